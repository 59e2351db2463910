/**
 * The conversation's creates asked for before `session.interrupt()` and not started yet
 * (`create.ts`): every one of them would speak a stale answer over the user's new turn, not only
 * the one written last. One written to the wire (it may already be on its way) has its response
 * cancelled the moment it starts (`interrupt-cancels.ts`). One not written yet — lost with the
 * connection and waiting to be sent again, or waiting its turn (`keep_both`) — is not sent at
 * all: its `create()` resolves `true`, as a create whose response is cancelled on start does
 * (it resolved once sent). A `generate()` request (the app's, or the engine's tool follow-up)
 * resolves with its response, so it is sent anyway, and that response cancelled when it starts.
 * A create made after `interrupt()` is the user's new turn: left alone. Out-of-band creates run
 * beside the conversation and are not what the user talks over: left alone too.
 * @module
 */
import type { Logger } from '@voxwire/protocol';
import type { ResponseCreateEvent } from './awaited.js';
import type { InterruptCancels } from './interrupt-cancels.js';
import type { ResendInTurn } from './resend-in-turn.js';
import type { UnansweredCreates } from './unanswered-creates.js';

/** What dealing with the stale creates needs from the creator. */
export interface StaleCreatesHost {
  /** The creates written and not answered, and those a drop took. */
  readonly unanswered: UnansweredCreates;
  /** The lost creates waiting their turn to be sent again after a restore. */
  resend(): ResendInTurn | undefined;
  /** The interruption cancels (made on first use). */
  cancels(): InterruptCancels;
  /** Whether a `generate()` request waits for the response of `event` (it resolves with it). */
  waitedFor(event: ResponseCreateEvent): boolean;
  /** Logs with the session id. */
  readonly logger: Logger;
  /** Fields for log lines. */
  logFields(): Record<string, unknown>;
}

/** Whether `event` asks for a response of the conversation (not out of band). */
export const forConversation = (event: ResponseCreateEvent): boolean =>
  event.response?.conversation !== 'none';

// the conversation's creates a drop took and not written again yet: lost, or queued to be resent
function notWrittenAgain(host: StaleCreatesHost): ResponseCreateEvent[] {
  return [
    ...host.unanswered.lostConversation(),
    ...(host.resend()?.queued ?? []).filter(forConversation),
  ];
}

/**
 * `interrupt()`: drops the conversation's creates not written yet that no `generate()` waits for,
 * and has the response of every other one cancelled when it starts (`untagged`: an untagged
 * written one's too, the server starting no response by itself). Returns whether there was any.
 * The creates waiting their turn in `create()` are told apart by the caller (by when they were
 * asked for).
 */
export function cancelStale(host: StaleCreatesHost, untagged: boolean): boolean {
  const { unanswered } = host;
  const resend = host.resend();
  let dropped = 0;
  const drop = (event: ResponseCreateEvent): boolean => {
    if (!forConversation(event) || host.waitedFor(event)) return false;
    dropped++;
    return true;
  };
  unanswered.dropLost(drop);
  resend?.drop(drop);
  if (dropped > 0)
    host.logger.info('response.create asked for before the interruption: not sent again', {
      ...host.logFields(),
      count: dropped,
    });
  // written (or a generate() request to be written again): cancelled when it starts
  const written = unanswered.cancellable(untagged);
  const onStart = [...(written === undefined ? [] : [written]), ...notWrittenAgain(host)];
  if (onStart.length === 0) return dropped > 0;
  const cancels = host.cancels();
  for (const create of onStart) cancels.cancelWhenStarted(create);
  return true;
}

/**
 * Whether a conversation create is owed an answer (written and unanswered, or to be sent again)
 * that is not stale: `cancel_new` declines only for such a one. With none known, it counts as
 * owed (the gate says something is pending).
 */
export function freshOwed(
  host: StaleCreatesHost,
  interrupts: InterruptCancels | undefined,
): boolean {
  const written = host.unanswered.conversation;
  const owed = [...(written === undefined ? [] : [written]), ...notWrittenAgain(host)];
  return owed.length === 0 || owed.some((event) => interrupts?.awaitsStart(event) !== true);
}
