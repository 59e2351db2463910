/**
 * The bridge's options, the running call's interface and their defaults (`bridge.ts` runs the
 * call).
 * @module
 */
import type { RealtimeSession, SessionOverrides } from '@voxwire/core';
import type { Clock } from '@voxwire/protocol';
import { ConfigError } from './config.js';
import type { BridgeLog } from './log.js';
/** Twilio's audio: G.711 µ-law, 8 kHz, mono. */
export const TWILIO_SAMPLE_RATE = 8_000;

/**
 * Default of {@link BridgeOptions.frameMs}: Twilio's own frame (160 µ-law bytes), as it sends
 * the caller's audio.
 */
export const DEFAULT_FRAME_MS = 20;

/** Default of {@link BridgeOptions.maxMessagesBeforeStart}: ~25 s of 20 ms frames with their marks. */
export const DEFAULT_MAX_MESSAGES_BEFORE_START = 2_500;

/**
 * Default of {@link BridgeOptions.startTimeoutMs}: Twilio sends `start` right after the handshake,
 * within a second even on a slow link.
 */
export const DEFAULT_START_TIMEOUT_MS = 10_000;

/** The longest {@link BridgeOptions.startTimeoutMs} (ten minutes). */
export const MAX_START_TIMEOUT_MS = 600_000;

/**
 * Default of {@link BridgeOptions.maxMarksOutstanding}: a minute of 20 ms frames that Twilio holds
 * or has played without echoing their marks.
 */
export const DEFAULT_MAX_MARKS_OUTSTANDING = 3_000;

/** WebSocket close codes the bridge ends Twilio's socket with. */
export const CloseCodes = {
  /** The session was closed as asked (the call ended). */
  normal: 1000,
  /** Twilio broke the protocol (no `start` in time, or before the bound of messages). */
  policy: 1008,
  /** The session ended on an error (authentication, an outage past its retries). */
  error: 1011,
} as const;

/** Options of {@link bridgeCall}. */
export interface BridgeOptions {
  /**
   * Session options for this call (instructions, voice, a per-call `connector` …). The audio
   * formats are the bridge's: G.711 µ-law both ways, whatever is given here.
   * @default {}
   */
  readonly sessionOverrides?: SessionOverrides | undefined;
  /** Where the bridge says what it skipped or why the call ended. @default consoleLog */
  readonly log?: BridgeLog | undefined;
  /**
   * How many messages to Twilio (`media` and `mark`) are held while Twilio has not sent `start`
   * yet (they need its `streamSid`). Twilio sends `start` right after `connected`, so this is
   * only reached by a broken peer; past it the call is ended with close code 1008, rather than
   * holding audio without bound.
   * @default DEFAULT_MAX_MESSAGES_BEFORE_START (2500)
   */
  readonly maxMessagesBeforeStart?: number | undefined;
  /**
   * ms Twilio has to send `start` after the media stream opened; past it the call (its socket and
   * its session) is ended with close code 1008, logged. The session opens with the socket, so a
   * peer that opens the stream and sends nothing (no `start`, no audio: `maxMessagesBeforeStart`
   * never fills) would otherwise hold a provider session until the socket dies. A whole number
   * of ms from 1 to {@link MAX_START_TIMEOUT_MS}.
   * @default DEFAULT_START_TIMEOUT_MS (10000)
   */
  readonly startTimeoutMs?: number | undefined;
  /**
   * ms of audio in each `media` message to Twilio (a whole number, 1 to 1000). The model's chunks
   * are of any size (a second or more, or 50 ms): the answer is cut into frames of this size (a
   * chunk's remainder carried into the next), each followed by its `mark`, so a barge-in cuts the
   * answer within one frame of what the caller heard (a mark per chunk would cut it up to a whole
   * chunk short), and Twilio is fed even frames, only a content part's last one short (uneven
   * ones are reported to jitter, openai-agents-js#1173).
   * @default DEFAULT_FRAME_MS (20)
   */
  readonly frameMs?: number | undefined;
  /**
   * How many marks sent to Twilio may wait for their echo. Twilio echoes each once its audio has
   * played; one that does not (a broken peer, a stream that is not bidirectional) would have the
   * bridge keep a record per frame for the whole call. Past the bound (logged once) frames go out
   * without a mark, and the first mark sent once echoes come back again covers them: their
   * playback is reported late, never lost, and never before it was heard.
   * @default DEFAULT_MAX_MARKS_OUTSTANDING (3000)
   */
  readonly maxMarksOutstanding?: number | undefined;
  /** Called for each key the caller presses (Twilio `dtmf`). @default undefined (logged only) */
  readonly onDtmf?: ((digit: string, session: RealtimeSession) => void) | undefined;
  /**
   * Called when Twilio's `start` arrives, with the call's ids and the `<Parameter>`s of the
   * `<Stream>` (`customParameters`): the place for per-call instructions, e.g.
   * `void session.sessionUpdate({ instructions: "The caller is " + call.customParameters.name })`. A throw
   * is logged; the call goes on.
   * @default undefined
   */
  readonly onStart?: ((call: BridgeCall, session: RealtimeSession) => void) | undefined;
  /**
   * How often Twilio's socket is pinged, in ms (at least 100); a ping not answered by the next
   * one ends the call (a connection lost without a close would otherwise keep the session open,
   * and billed, for hours). `false`: no pings.
   * @default DEFAULT_HEARTBEAT_MS (15000)
   */
  readonly heartbeatMs?: number | false | undefined;
  /**
   * The clock of the heartbeat, of `startTimeoutMs` and of `hangUp`'s wait (tests inject a
   * simulated one).
   * @default systemClock
   */
  readonly clock?: Clock | undefined;
}

/** A running call. */
export interface BridgeCall {
  /** The call's realtime session. */
  readonly session: RealtimeSession;
  /** Twilio's stream id, once `start` arrived. */
  readonly streamSid: string | undefined;
  /** Twilio's call id, once `start` arrived (when Twilio sent one). */
  readonly callSid: string | undefined;
  /** The `<Stream>`'s `<Parameter>` values, once `start` arrived (empty before, or without any). */
  readonly customParameters: Readonly<Record<string, string>>;
  /** Marks sent to Twilio and not yet echoed (at most `maxMarksOutstanding`). */
  readonly marksOutstanding: number;
  /** Resolves once the session is closed and the socket is closing or closed. */
  readonly ended: Promise<void>;
  /** Ends the call: closes the session, then Twilio's socket (code 1000). */
  close(): Promise<void>;
  /**
   * Ends the call once the caller has heard the answer (an agent's goodbye, an `end_call` tool):
   * when no response is streaming and Twilio has echoed the mark after the last audio sent, or
   * after `maxWaitMs` at most; then as {@link close}. A response that ended with function calls
   * is followed by the model's answer to their outputs (the engine asks for it once its tools
   * answered: an `end_call` tool's goodbye), and that answer is waited for too. So is a response
   * the app asked for and the server has not started yet (`session.response.create()` or
   * `generate()` just before `hangUp()`, one waiting its turn: `session.responseRequested`); one
   * the server refuses ends the wait at its `error`. A barge-in
   * meanwhile ends the call once the goodbye is cleared (and cancelled, if still streaming),
   * without an answer to it. Closing the media stream ends `<Connect>`, and Twilio hangs up
   * unless more TwiML follows it.
   */
  hangUp(options?: HangUpOptions): Promise<void>;
}

/** Options of {@link BridgeCall.hangUp}. */
export interface HangUpOptions {
  /**
   * The longest wait for the answer to finish playing (Twilio may stop echoing marks), 0 to
   * {@link MAX_HANG_UP_WAIT_MS}; another value rejects with a `ConfigError`.
   * @default DEFAULT_HANG_UP_WAIT_MS (30000)
   */
  readonly maxWaitMs?: number | undefined;
}

/** Default of {@link HangUpOptions.maxWaitMs}. */
export const DEFAULT_HANG_UP_WAIT_MS = 30_000;

/** The longest {@link HangUpOptions.maxWaitMs} (one hour); a longer, negative or NaN one is refused. */
export const MAX_HANG_UP_WAIT_MS = 3_600_000;

/**
 * {@link BridgeOptions.frameMs} checked: a {@link ConfigError} for anything but a whole number of
 * ms from 1 to 1000 (the server checks it at start, not at the first call).
 */
export function resolveFrameMs(frameMs: number | undefined): number {
  const ms = frameMs ?? DEFAULT_FRAME_MS;
  if (!Number.isInteger(ms) || ms < 1 || ms > 1_000)
    throw new ConfigError(`frameMs must be a whole number of ms from 1 to 1000, got ${ms}`);
  return ms;
}

/**
 * {@link BridgeOptions.maxMarksOutstanding} checked: a {@link ConfigError} for anything but a
 * whole number from 1.
 */
export function resolveMaxMarks(maxMarks: number | undefined): number {
  const count = maxMarks ?? DEFAULT_MAX_MARKS_OUTSTANDING;
  if (!Number.isInteger(count) || count < 1)
    throw new ConfigError(`maxMarksOutstanding must be a whole number from 1, got ${count}`);
  return count;
}

/**
 * {@link BridgeOptions.startTimeoutMs} checked: a {@link ConfigError} for anything but a whole
 * number of ms from 1 to {@link MAX_START_TIMEOUT_MS} (Node runs a longer timer at once).
 */
export function resolveStartTimeoutMs(startTimeoutMs: number | undefined): number {
  const ms = startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  if (!Number.isInteger(ms) || ms < 1 || ms > MAX_START_TIMEOUT_MS)
    throw new ConfigError(
      `startTimeoutMs must be a whole number of ms from 1 to ${MAX_START_TIMEOUT_MS}, got ${ms}`,
    );
  return ms;
}
