/**
 * Function calls of a side-band's kept session (`persistentSession`: a call) that no response
 * event will hand over, because the call's session went on while the socket was down:
 *
 * - a call the drop cut mid-arguments, which the session completed; the rest of its response
 *   may be over before the side-band is back. It is retrieved after the re-attach and answered,
 *   unless that rest was heard and answered it;
 * - a call of an answer that began and ended entirely while the socket was down. It comes back
 *   through the gap healing (`reconnect/reattach-probes.ts`) once a later item names it, and is
 *   answered then, late rather than never, unless its output is in the conversation.
 *
 * Either way the model waits for the output: nothing else would give it.
 * @module
 */
import type { ConversationItem, Logger } from '@voxwire/protocol';
import type { ConversationMirror } from '../conversation/mirror.js';
import { ServerError } from '../errors.js';
import { HEALED_ITEM_EVENT_ID } from '../reconnect/reattach-probes.js';

/** A function call item as the server sends it. */
export type FunctionCallWireItem = Extract<ConversationItem, { type: 'function_call' }>;

/** What the function-calling feature lends these. */
export interface KeptCallsHost {
  /** `conversation.item.retrieve`; `undefined`: the session cannot ask (none are answered). */
  readonly calls: { probeItem(itemId: string): Promise<ConversationItem> } | undefined;
  /** The conversation mirror, if the session keeps one. */
  readonly mirror: ConversationMirror | undefined;
  /** Logging. */
  readonly logger: Logger;
  /** Fields every log line carries. */
  logFields(): Record<string, unknown>;
  /** Whether the calls of `responseId` were answered, or are being (its rest was heard). */
  handled(responseId: string): boolean;
  /** Runs and answers `items` now as one round of `responseId`, with its follow-up. */
  answer(responseId: string, items: readonly FunctionCallWireItem[]): void;
}

/**
 * The calls a drop cut mid-arguments in `responseId` (their item ids): each is retrieved, and
 * those the session completed are answered as one round, unless the response's rest was heard.
 */
export async function answerCutCalls(
  host: KeptCallsHost,
  responseId: string,
  itemIds: readonly string[],
): Promise<void> {
  const calls = host.calls;
  if (calls === undefined) return;
  const items = await Promise.all(
    // gone from the conversation, or the session closed: nothing to answer
    itemIds.map((itemId) => calls.probeItem(itemId).catch(() => undefined)),
  );
  const completed = items.filter(
    (item): item is FunctionCallWireItem =>
      item?.type === 'function_call' && item.status === 'completed',
  );
  if (completed.length === 0 || host.handled(responseId)) return;
  host.logger.info('function calls the drop cut, completed by the kept session: answered', {
    ...host.logFields(),
    responseId,
    itemIds: completed.map((item) => item.id),
  });
  // their items' added was lost too: the mirror takes them in at the end, where the session
  // added them (an output goes after a call of the conversation, not one of no conversation)
  for (const item of completed) placeAtEnd(host.mirror, item);
  host.answer(responseId, completed);
}

/**
 * Puts `item`, which the session holds but whose `conversation.item.added` this side never
 * heard, at the end of the mirror: where the session added it, as far as this side can tell
 * (the answer's items are the conversation's newest). Nothing when the mirror has it.
 */
export function placeAtEnd(mirror: ConversationMirror | undefined, item: ConversationItem): void {
  if (mirror === undefined || item.id === undefined || mirror.has(item.id)) return;
  mirror.applyServerEvent({
    type: 'conversation.item.added',
    event_id: HEALED_ITEM_EVENT_ID,
    previous_item_id: mirror.lastId ?? null,
    item,
  });
}

/**
 * Whether the call item `itemId`, which the mirror does not hold, is in the kept session's
 * conversation: asked with a `conversation.item.retrieve`, since its `conversation.item.added`
 * was not heard (lost with a drop, or sent before the side-band attached) and nothing else tells
 * a call of the conversation from an out-of-band response's. Held: it is put in the mirror
 * (`placeAtEnd`), and its output can follow it. Refused as unknown: out of band. Any other
 * failure (a second drop) counts as held, the common case, so the model is not left waiting.
 */
export async function keptCallInConversation(
  host: Pick<KeptCallsHost, 'calls' | 'mirror'>,
  itemId: string,
): Promise<boolean> {
  if (host.calls === undefined) return false;
  try {
    placeAtEnd(host.mirror, await host.calls.probeItem(itemId));
    return true;
  } catch (error) {
    return !(error instanceof ServerError && error.code === 'item_not_found');
  }
}

/**
 * A completed call of an answer the side-band never heard, back in the mirror through a healed
 * gap (its `conversation.item.added` carries {@link HEALED_ITEM_EVENT_ID}): answered now, unless
 * its output is in the conversation already.
 */
export function answerHealedCall(host: KeptCallsHost, item: FunctionCallWireItem): void {
  if (item.status !== 'completed' || item.id === undefined) return;
  const answered = host.mirror
    ?.toChatContext()
    .items.some((i) => i.type === 'function_call_output' && i.callId === item.call_id);
  const responseId = `healed:${item.id}`;
  if (answered === true || host.handled(responseId)) return;
  host.logger.info('function call of an answer the drop hid: answered', {
    ...host.logFields(),
    itemId: item.id,
  });
  host.answer(responseId, [item]);
}
