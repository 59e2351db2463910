/**
 * A conversation create in its turn (`create.ts`), with the seed's `on_duplicate` rules: sent at
 * once when nothing is in progress or owed an answer; otherwise `cancel_new` declines,
 * `cancel_existing` cancels what is in progress (and what starts while it waits), `keep_both`
 * waits. The conversation never has two responses: the create waits for every response in
 * progress, one that starts meanwhile (server VAD), a create sent and not answered yet (two
 * waiters woken by one response's end would both send) and the creates a drop took still to be
 * sent again. An interruption while it waits makes it stale (`stale-creates.ts`).
 * @module
 */
import type { Logger, ResponseCreateParams } from '@voxwire/protocol';
import type { BargeIn } from './barge-in.js';
import type { OnDuplicate } from './create-options.js';
import { awaitTurn, type Turn } from './resend-in-turn.js';
import type { RealtimeResponse } from './tree.js';

/** What a create in its turn needs from the creator. */
export interface InTurnHost {
  /** Logs with the session id. */
  readonly logger: Logger;
  /** Fields for log lines. */
  logFields(): Record<string, unknown>;
  /** The responses in progress, oldest first. */
  activeResponses(): readonly RealtimeResponse[];
  /** Whether a conversation create is owed an answer (written, or to be sent again). */
  createPending(): boolean;
  /** The barge-in bookkeeping, once an interruption came. */
  bargeIn(): BargeIn | undefined;
  /** What a create waiting its turn looks at. */
  turn(): Turn;
  /**
   * Writes the create; later ones wait for its answer. `false`: an aborted request, not sent.
   * `onDuplicate` is kept for a refusal of it as busy (`busy-creates.ts`).
   */
  sendPending(params: ResponseCreateParams | undefined, onDuplicate: OnDuplicate): boolean;
  /** The create asked for before an interruption, its turn come (`BargeIn.sendStale`). */
  sendStale(params: ResponseCreateParams | undefined): boolean;
  /** Sends `response.cancel` for `responseId`. */
  cancel(responseId: string): void;
  /** Whether `session.interrupt()` cancelled `responseId` already. */
  interrupted(responseId: string): boolean;
  /**
   * The create starts waiting its turn (`session.responseRequested` counts it; `fresh`: no
   * interruption came since it was asked for). Returns what ends the wait.
   */
  waitTurn(params: ResponseCreateParams | undefined, fresh: () => boolean): () => void;
}

/**
 * Sends the conversation create `params` in its turn. Resolves `true` once sent (or, stale, not
 * to be sent), `false` when `cancel_new` declined it or an aborted request was not sent. `own`:
 * the engine's follow-up to function calls, whose wait is logged at info (a caller who speaks
 * while a tool runs makes it wait, as it should; the seed's warning is for an app's request).
 */
export async function createInTurn(
  host: InTurnHost,
  params: ResponseCreateParams | undefined,
  onDuplicate: OnDuplicate,
  own = false,
): Promise<boolean> {
  const { logger } = host;
  // asked for before an interruption that comes while it waits: stale (`stale-creates.ts`)
  const asked = host.bargeIn()?.count ?? 0;
  const fresh = (): boolean => (host.bargeIn()?.count ?? 0) === asked;
  // the stale create, and a response interrupt() cancelled, are not the answer in progress
  if (
    onDuplicate === 'cancel_new' &&
    host.createPending() &&
    host.bargeIn()?.freshOwed() !== false
  ) {
    logger.warn('response.create already pending, cancelling new one', host.logFields());
    return false;
  }
  const active = host.activeResponses();
  if (active.length === 0 && !host.createPending()) {
    // its response.created is what the next create waits for; false when an aborted
    // request was not sent (as after the wait below)
    return host.sendPending(params, onDuplicate);
  }
  const fields = { ...host.logFields(), responseId: active.at(-1)?.id };
  if (own && onDuplicate === 'keep_both')
    logger.info(
      'the follow-up response to function calls waits for the response in progress',
      fields,
    );
  else
    logger.warn(
      onDuplicate === 'cancel_new'
        ? 'response already in progress, cancelling new one'
        : onDuplicate === 'cancel_existing'
          ? 'response already in progress, cancelling existing one'
          : 'waiting for in-progress response to be done before creating a new one',
      fields,
    );
  if (onDuplicate === 'cancel_new' && active.some((r) => !host.interrupted(r.id))) return false;
  // cancel_existing cancels each as it is seen, by id (a bare cancel names the conversation's
  // response only, and which are out of band is not always known): those running now, and
  // one that starts while this waits (a create still unanswered, the VAD's)
  const cancelled = onDuplicate === 'cancel_existing' ? new Set<string>() : undefined;
  // ended in the same tick as the send: from then on the unanswered create is what counts
  const left = host.waitTurn(params, fresh);
  // a generate() request aborted while it waited is not sent at all (false)
  const sent = await awaitTurn(
    { ...host.turn(), pending: () => host.createPending() },
    () => {
      left();
      return fresh() ? host.sendPending(params, onDuplicate) : host.sendStale(params);
    },
    (running) => {
      // stale once an interruption came while it waited: it will not be sent (a generate()
      // request's response is cancelled on start), and what starts now is the user's new turn
      if (cancelled && fresh())
        for (const r of running)
          if (!cancelled.has(r.id)) {
            cancelled.add(r.id);
            // one interrupt() cancelled already: a second cancel would draw
            // response_cancel_not_active, reported as the app's error
            if (!host.interrupted(r.id)) host.cancel(r.id);
          }
    },
  ).finally(left);
  return sent === true;
}
