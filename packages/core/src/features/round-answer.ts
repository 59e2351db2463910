/**
 * How the function-calling feature (`function-calling.ts`) answers one response's calls once the
 * response ended: the calls are reported (`function_calls_collected`), run to their end, each
 * answered with a `function_call_output` right after its call item, reported again with their
 * results (`function_calls_finished`), and ONE follow-up response is requested unless the
 * tool-only loop cap says stop. Functions over the feature's own host: no object per session.
 * @module
 */
import { ServerError, VoxwireError, type SessionError } from '../errors.js';
import { relaxSessionChoice } from '../responses/follow-up-request.js';
import type { ToolRound } from '../tools/round.js';
import type { FunctionCallInfo } from '../tools/types.js';
import type { FollowUpResponse } from './follow-up.js';
import { keptCallInConversation } from './kept-session-calls.js';
import type { FunctionCallingHost } from './function-calling.js';

/** How the response whose calls are answered ended. */
export interface RoundEnd {
  /** Its `response.done` status (`incomplete` for one a drop cut off). */
  readonly status: 'completed' | 'cancelled' | 'failed' | 'incomplete' | 'in_progress';
  /** Whether it had a message besides its calls (the tool-only loop count restarts). */
  readonly hasMessageOutput: boolean;
  /**
   * The ids of its output items (from `response.done`), which tell an out-of-band response by
   * its items' absence from the conversation also when it made no call. @default its calls' items
   */
  readonly outputIds?: readonly string[] | undefined;
  /**
   * Whether it is a response of a side-band's kept session that ended there (not one a drop cut
   * here): a call the mirror lacks is asked for (`answerable`). @default false
   */
  readonly keptSession?: boolean | undefined;
}

/**
 * Waits for the calls of `responseId`'s round, creates their outputs, requests the follow-up
 * response (with the per-response settings the request of `responseId` gave it). `keep`
 * withdraws calls that must not be answered (after a drop: calls the restore leaves out). Calls
 * whose item is not in the conversation run and are reported, but get no output and no
 * follow-up (see `inConversation`).
 * @param keep - which calls are answered (default: all)
 */
export async function answerRound<TSession>(
  host: FunctionCallingHost<TSession>,
  followUp: FollowUpResponse,
  responseId: string,
  round: ToolRound<TSession>,
  end: RoundEnd,
  keep: (call: FunctionCallInfo) => boolean = () => true,
): Promise<void> {
  const calls = round.calls.filter(keep);
  // copies (flat: strings only), once per response: the runner answers with these very objects
  // after the listeners ran, so a listener editing a call's callId or itemId would have the
  // output sent after another item, or not at all (the server then waits for it forever)
  if (calls.length > 0)
    host.emit(
      'function_calls_collected',
      calls.map((call) => ({ ...call })),
    );
  const all = await round.finish({
    status: end.status === 'in_progress' ? 'incomplete' : end.status,
    hasMessageOutput: end.hasMessageOutput,
    // an out-of-band response is no turn of the conversation: the tool-loop cap ignores it, and
    // its message (a classifier's label, a summary) must not reset the count of a running loop
    counted: isConversationTurn(host, [
      ...round.calls.map((call) => call.itemId),
      ...(end.outputIds ?? []),
    ]),
  });
  const finished = all.finished.filter((called) => keep(called.call));
  if (finished.length === 0) return;
  // the calls of an out-of-band response ran, and are reported with their results, but no
  // output can follow an item that is not in the conversation
  const held = await Promise.all(
    finished.map((called) => answerable(host, called.call.itemId, end.keptSession === true)),
  );
  const answered = new Set(finished.filter((_, i) => held[i]).map((called) => called.call.itemId));
  const outputs = all.outputs.filter((output) => answered.has(output.previousItemId));
  const created = await Promise.allSettled(
    outputs.map((output) => host.createItem(output.item, output.previousItemId)),
  );
  let failed = false;
  for (const outcome of created) {
    if (outcome.status === 'fulfilled') continue;
    failed = true;
    reportToolFailure(host, outcome.reason, 'could not create a function_call_output');
  }
  host.emit('function_calls_finished', finished);
  if (all.loopError) host.error(all.loopError);
  if (answered.size === 0 || !all.requestResponse || failed || host.closed()) return;
  // the model's answer to the outputs is shaped as the response that called: its own tools (a
  // call of one of them again is run, not answered unknown_tool), instructions, modalities …
  await followUp.request(
    relaxSessionChoice(host.responseTools?.(responseId)?.followUp, host.toolChoice?.()),
  );
}

/**
 * Whether a response whose output items are `itemIds` was a turn of the conversation: one of its
 * items is in it, or it had none (nothing shows it was out of band).
 */
function isConversationTurn<TSession>(
  host: FunctionCallingHost<TSession>,
  itemIds: readonly string[],
): boolean {
  return itemIds.length === 0 || itemIds.some((id) => inConversation(host, id));
}

/**
 * Whether an output can follow the call item `itemId` (`inConversation`). On a side-band's kept
 * session a call the mirror lacks may be one whose `conversation.item.added` this side never
 * heard: the session is asked (`keptCallInConversation`), rather than the call taken for an
 * out-of-band response's and left unanswered, with the model waiting for its output.
 */
async function answerable<TSession>(
  host: FunctionCallingHost<TSession>,
  itemId: string,
  keptSession: boolean,
): Promise<boolean> {
  if (inConversation(host, itemId)) return true;
  return (
    keptSession && keptCallInConversation({ calls: host.calls, mirror: host.mirror?.() }, itemId)
  );
}

/**
 * Whether the call item `itemId` is in the conversation, so that an output can follow it. The
 * calls of an out-of-band response (`conversation: 'none'`) never are: an output after one
 * would be refused (`item_not_found`), and a follow-up response would answer nothing. The app
 * has them, with their results, from `function_calls_finished`. Without a mirror every call is
 * answered.
 */
function inConversation<TSession>(host: FunctionCallingHost<TSession>, itemId: string): boolean {
  return host.mirror?.()?.has(itemId) ?? true;
}

/**
 * Logs a failed output or follow-up request, and reports a local failure on `error` (a
 * `ServerError` was emitted there already when it arrived). Nothing once the session closed.
 */
export function reportToolFailure<TSession>(
  host: FunctionCallingHost<TSession>,
  error: unknown,
  what: string,
): void {
  if (host.closed()) return;
  // the call a drop cut before its arguments were complete, left out of the restore: its output
  // answers nothing (expected, as the restore's own `skippedItems` are)
  if (error instanceof VoxwireError && error.data['reason'] === 'call_left_out') {
    host.logger.debug(what, { ...host.logFields(), error: error.message });
    return;
  }
  host.logger.warn(what, {
    ...host.logFields(),
    error: error instanceof Error ? error.message : String(error),
  });
  if (!(error instanceof ServerError) && error instanceof Error && 'code' in error)
    host.error(error as SessionError);
}
