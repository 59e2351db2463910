/**
 * One SIP call the bridge accepted, driven over its side-band session. The call's audio never
 * reaches the bridge (OpenAI plays it on the SIP leg), so what the caller heard is known from the
 * side-band's `output_audio_*` events: a hang-up waits for them, as the Twilio calls' waits for
 * Twilio's marks.
 * @module
 */
import type { RealtimeSession } from '@voxwire/core';
import type { Clock } from '@voxwire/protocol';
import {
  DEFAULT_HANG_UP_WAIT_MS,
  MAX_HANG_UP_WAIT_MS,
  type HangUpOptions,
} from './bridge-options.js';
import { watchOwedAnswer } from './answer-owed.js';
import { ConfigError } from './config.js';
import type { BridgeLog } from './log.js';

/** A SIP call the bridge answered. */
export interface SipCall {
  /** OpenAI's id of the call (`rtc_…`). */
  readonly callId: string;
  /** The caller's `From` SIP header, when the webhook carried one. */
  readonly from: string | undefined;
  /** Every SIP header the webhook carried, in its order (per-caller setup reads them). */
  readonly sipHeaders: readonly { readonly name: string; readonly value: string }[];
  /** The side-band session driving the call (events, tools, `response.create`). */
  readonly session: RealtimeSession;
  /** Resolves once the call's session has closed (the call ended, or the bridge hung up). */
  readonly ended: Promise<void>;
  /**
   * Ends the call once the caller has heard the answer (an agent's goodbye, an `end_call`
   * tool): when no response is in progress and the server has played its audio out
   * (`output_audio_stopped`), or it was cut (`output_audio_cleared`: the caller spoke over it),
   * or after `maxWaitMs`. Then `hangup` (a failure is logged) and the session closes. A response
   * that ended with function calls is followed by the model's answer to their outputs (the
   * engine asks for it once its tools answered: an `end_call` tool's goodbye), and that answer
   * is waited for too; a wire tool nobody answers leaves the wait to `maxWaitMs`. A response
   * the app asked for and the server has not started yet (`session.response.create()` or
   * `generate()` just before `hangUp()`, one waiting its turn: `session.responseRequested`) is
   * waited for as well; one the server refuses ends the wait at its `error`. A drop of the
   * side-band's socket is not the end of the audio (the call plays on): the wait goes on until
   * the re-attached side-band hears the stop, or `maxWaitMs`. Resolves
   * with {@link ended}; a bad `maxWaitMs` rejects with a `ConfigError`.
   */
  hangUp(options?: HangUpOptions): Promise<void>;
}

/** What a {@link SipCall} needs from the SIP handler. */
export interface SipCallDeps {
  readonly callId: string;
  readonly sipHeaders: readonly { readonly name: string; readonly value: string }[];
  readonly session: RealtimeSession;
  readonly clock: Clock;
  readonly log: BridgeLog;
  /** `hangup` of the call, its failure logged (never throws). */
  readonly hangUpCall: () => Promise<void>;
  /** The session closed (the call is over for the bridge). */
  readonly onEnded: () => void;
}

/** A call and its `end()`: hang up now, without waiting (the bridge is stopping). */
export interface SipCallHandle {
  readonly call: SipCall;
  end(): Promise<void>;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Wires the side-band `session` of a call: logging, the end of the call, the hang-up's wait. */
export function createSipCall(deps: SipCallDeps): SipCallHandle {
  const { callId, session, clock, log } = deps;
  let resolveEnded!: () => void;
  const ended = new Promise<void>((resolve) => (resolveEnded = resolve));
  // the responses whose audio the server is playing to the caller now
  const playing = new Set<string>();
  let ending: Promise<void> | undefined;
  // a hang-up waiting for the answer to be heard, and its longest wait
  let waiting = false;
  let waitTimer: ReturnType<Clock['setTimeout']> | undefined;

  const end = (): Promise<void> =>
    (ending ??= (async () => {
      if (waitTimer !== undefined) clock.clearTimeout(waitTimer);
      await deps.hangUpCall();
      await session.close().catch((error: unknown) => {
        log('warn', 'session close failed', { callId, error: messageOf(error) });
      });
      await ended;
    })());
  // the answer to the last response's function calls (an end_call tool's goodbye) is heard too
  const answerOwed = watchOwedAnswer(session, () => hangUpIfHeard());
  const hangUpIfHeard = (): void => {
    if (
      waiting &&
      !answerOwed() &&
      // a response the app asked for (a goodbye) and the server has not started yet
      !session.responseRequested &&
      session.activeResponse === undefined &&
      playing.size === 0
    )
      void end();
  };

  session.on('output_audio_started', ({ responseId }) => playing.add(responseId));
  const played = ({ responseId }: { responseId: string }): void => {
    playing.delete(responseId);
    hangUpIfHeard();
  };
  session.on('output_audio_stopped', played);
  session.on('output_audio_cleared', (event) => {
    // the side-band's socket dropped, not the audio: the call plays on, and the re-attached
    // side-band hears its stop (else maxWaitMs ends the wait)
    if (event.reason !== 'side_band_ended') played(event);
  });
  session.on('error', (error) => {
    log('warn', 'session error', { code: error.code, message: error.message, callId });
    // a goodbye the server refused will never play: the hang-up need not wait for it
    hangUpIfHeard();
  });
  session.on('closed', ({ error }) => {
    if (waitTimer !== undefined) clock.clearTimeout(waitTimer);
    deps.onEnded();
    resolveEnded();
    if (error === undefined) {
      // the server closed the side-band normally (1000): the call was hung up or transferred
      log('info', 'SIP call ended', { callId });
      return;
    }
    log('error', 'SIP session ended on an error: hanging up', { callId, code: error.code });
    // nobody drives the call any more: end it rather than leave the caller with the bare model
    if (ending === undefined) void deps.hangUpCall();
  });

  const call: SipCall = {
    callId,
    from: deps.sipHeaders.find((h) => h.name.toLowerCase() === 'from')?.value,
    sipHeaders: deps.sipHeaders,
    session,
    ended,
    hangUp(options = {}) {
      if (ending !== undefined || waiting) return ended;
      const waitMs = options.maxWaitMs ?? DEFAULT_HANG_UP_WAIT_MS;
      // a NaN, negative or infinite wait would run the timer at once (Node's setTimeout)
      if (!(waitMs >= 0 && waitMs <= MAX_HANG_UP_WAIT_MS))
        return Promise.reject(
          new ConfigError(
            `hangUp's maxWaitMs must be a number of ms from 0 to ${MAX_HANG_UP_WAIT_MS}, got ${waitMs}`,
          ),
        );
      waiting = true;
      waitTimer = clock.setTimeout(() => void end(), waitMs);
      hangUpIfHeard();
      return ended;
    },
  };
  return { call, end };
}
