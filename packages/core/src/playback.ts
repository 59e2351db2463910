/**
 * What the app's speaker has played of the assistant's audio, for a barge-in that truncates the
 * answer at the point the user actually heard (`session.interrupt()`, `interrupt.ts`). The
 * server streams audio faster than real time, and a player (a Web Audio queue, a phone line's
 * jitter buffer, Twilio's media stream) holds seconds of it, so "audio received" overstates what
 * was heard and the model would believe it said things nobody heard (peers.md §3,
 * openai-agents-js#1173). The app reports playback as its sink confirms it (a Twilio `mark`
 * coming back, a Web Audio buffer ending, a worklet's position); without reports the position is
 * estimated from the session's clock: the time since the answer's first delta, capped by the
 * audio received (what the OpenAI agents SDK does over WebSocket).
 * @module
 */
import type { AudioFrame, Clock } from '@voxwire/protocol';
import { VoxwireError } from './errors.js';
import type { RealtimeResponse } from './responses/tree.js';

/** An assistant audio content part: a `RealtimeContent`, or its item id and content index. */
export interface AudioContentRef {
  /** The assistant item. */
  readonly itemId: string;
  /** The audio content part (0 for assistant audio). */
  readonly contentIndex: number;
}

/** Where playback is: the content part being played and how much of it was heard. */
export interface PlaybackPosition {
  /** The assistant item being played. */
  readonly itemId: string;
  /** Its audio content part. */
  readonly contentIndex: number;
  /** Milliseconds of it played. */
  readonly playedMs: number;
  /**
   * `'reported'`: from `session.playback.played()`; `'clock'`: estimated from the time since the
   * answer's first delta (nothing was reported in this session).
   */
  readonly source: 'reported' | 'clock';
}

function invalid(argument: string, message: string): never {
  throw new VoxwireError('INVALID_ARGUMENT', message, { data: { argument } });
}

function playedMsOf(played: number | AudioFrame): number {
  if (typeof played === 'number') {
    if (!(played >= 0 && played < Infinity))
      invalid('played', `played must be a number of ms ≥ 0, got ${played}`);
    return played;
  }
  if (
    typeof played !== 'object' ||
    played === null ||
    !(played.data instanceof Int16Array) ||
    !(played.sampleRate > 0) ||
    !(Number.isInteger(played.channels) && played.channels > 0)
  )
    invalid('played', 'played must be a number of ms or an AudioFrame');
  return (played.data.length * 1000) / (played.sampleRate * played.channels);
}

/**
 * The estimate without reports: the newest response with audio plays from its first audio delta
 * in real time, its audio parts one after the other. `undefined` when it has been played out, or
 * when its audio began before `stoppedAt` (the speaker was cleared since).
 */
export function estimatePlayback(
  responses: readonly RealtimeResponse[],
  now: number,
  stoppedAt = -Infinity,
): PlaybackPosition | undefined {
  for (let i = responses.length - 1; i >= 0; i--) {
    const response = responses[i]!;
    // from its first audio, not its first delta: transcript deltas or a function call's arguments
    // may come well before the speaker has anything to play
    const started = response.firstAudioAt;
    if (started === undefined) continue;
    // cleared from the speaker (an interruption, or the app's stopped()): its audio plays no more
    if (started < stoppedAt) return undefined;
    let elapsed = now - started;
    let audio = false;
    for (const output of response.output) {
      for (const content of output?.content ?? []) {
        if (content?.contentType !== 'audio' || content.audioSamples === 0) continue;
        audio = true;
        const ms = content.audioDurationMs;
        if (elapsed < ms) {
          return {
            itemId: content.itemId,
            contentIndex: content.contentIndex,
            playedMs: Math.max(0, elapsed),
            source: 'clock',
          };
        }
        elapsed -= ms;
      }
    }
    if (audio) return undefined;
  }
  return undefined;
}

/** The parts settled (cleared or drained) whose reports are checked: the newest few. */
const SETTLED_KEPT = 8;

/** Where a part stopped when the speaker was cleared or drained, and the audio it had then. */
interface Settled {
  /** Milliseconds of the part heard when it stopped. */
  readonly playedMs: number;
  /**
   * Its audio received when it stopped: a report after that counts only as far as audio
   * received since allows. `Infinity`: nothing more of it plays (an interruption cut it).
   * `undefined`: not known (its response is no longer retained), no limit.
   */
  readonly receivedMs: number | undefined;
}

function receivedMsOf(
  responses: readonly RealtimeResponse[],
  content: AudioContentRef,
): number | undefined {
  for (let i = responses.length - 1; i >= 0; i--) {
    for (const output of responses[i]!.output) {
      if (output?.itemId !== content.itemId) continue;
      const part = output.content[content.contentIndex];
      return part?.contentType === 'audio' ? part.audioDurationMs : undefined;
    }
  }
  return undefined;
}

/**
 * `session.playback`: the app tells it what its speaker played; `session.interrupt()` reads it.
 * Made on first use: a session that never asks keeps nothing for it.
 */
export class PlaybackTracker {
  readonly #clock: Clock;
  readonly #responses: () => readonly RealtimeResponse[];
  #itemId: string | undefined;
  #contentIndex = 0;
  #playedMs = 0;
  // whether the speaker is playing #itemId: a drain (`stopped()`) keeps the part and how much of
  // it was heard, because the same part may play on (see `stopped()`)
  #playing = false;
  #reported = false;
  // when the speaker was last cleared: the estimate plays no audio that started before it
  #stoppedAt = -Infinity;
  // `${itemId}/${contentIndex}` → where the part stopped: a sink reports audio it dropped (the
  // marks Twilio hands back on `clear`), which must not count as heard. Made on the first stop.
  #settled: Map<string, Settled> | undefined;
  // #settled's entry of the part being reported (#itemId/#contentIndex), kept beside it so that
  // a report of that part (once per frame for some players) looks nothing up
  #currentSettled: Settled | undefined;

  /** @internal built by the session */
  constructor(clock: Clock, responses: () => readonly RealtimeResponse[]) {
    this.#clock = clock;
    this.#responses = responses;
  }

  /**
   * Reports that the speaker played `played` more of `content`'s audio: milliseconds, or a frame
   * (as `response_audio` handed it over) once it was played. Playback moves on to another content
   * part when one is reported. A part the speaker stopped on (`stopped()`, `session.interrupt()`)
   * plays on from where it stopped, and only with audio received since: a report past that (the
   * marks Twilio hands back for the audio a `clear` dropped, a worklet's last position after a
   * flush) is not counted, and after an interruption nothing more of the cut part is.
   * From the first report on, the position is never estimated.
   * @throws VoxwireError `INVALID_ARGUMENT` for a malformed content reference or amount
   */
  played(content: AudioContentRef, played: number | AudioFrame): void {
    if (
      typeof content !== 'object' ||
      content === null ||
      typeof content.itemId !== 'string' ||
      content.itemId === '' ||
      !(Number.isInteger(content.contentIndex) && content.contentIndex >= 0)
    )
      invalid('content', 'content must be { itemId, contentIndex } (a RealtimeContent will do)');
    const ms = playedMsOf(played);
    this.#reported = true;
    const current = this.#itemId === content.itemId && this.#contentIndex === content.contentIndex;
    const settled = current
      ? this.#currentSettled
      : this.#settled?.get(`${content.itemId}/${content.contentIndex}`);
    let playedMs = (current ? this.#playedMs : (settled?.playedMs ?? 0)) + ms;
    if (settled !== undefined) {
      const limit = this.#limit(content, settled);
      // nothing of it was played since it stopped: audio the sink dropped, not heard. Ignored
      // whole, so that it does not take the place of the part that is playing
      if (limit <= settled.playedMs) return;
      playedMs = Math.min(playedMs, limit);
    }
    this.#itemId = content.itemId;
    this.#contentIndex = content.contentIndex;
    this.#currentSettled = settled;
    this.#playing = true;
    this.#playedMs = playedMs;
  }

  // how far a part that stopped can have played since: by the audio received after the stop
  #limit(content: AudioContentRef, settled: Settled): number {
    if (settled.receivedMs === undefined) return Infinity;
    if (settled.receivedMs === Infinity) return settled.playedMs;
    const received = receivedMsOf(this.#responses(), content);
    return received === undefined
      ? Infinity
      : settled.playedMs + Math.max(0, received - settled.receivedMs);
  }

  #settle(content: AudioContentRef, playedMs: number, receivedMs: number | undefined): void {
    const settled = (this.#settled ??= new Map());
    const key = `${content.itemId}/${content.contentIndex}`;
    settled.delete(key);
    const entry = { playedMs, receivedMs };
    settled.set(key, entry);
    if (content.itemId === this.#itemId && content.contentIndex === this.#contentIndex)
      this.#currentSettled = entry;
    if (settled.size > SETTLED_KEPT) settled.delete(settled.keys().next().value!);
  }

  /**
   * The speaker has nothing left to play (its queue drained, or it was cleared): an interruption
   * now truncates nothing. Reports made before still count as reports (no estimate follows);
   * without reports the estimate resumes with the next response whose audio starts after this.
   * A drain in the middle of an answer (the generator stalled, the network hiccuped: audio
   * arrives slower than it plays) is not its end: when the same part is reported again, it
   * plays on from the ms heard before the drain, as far as the audio received since allows
   * (what a drained speaker plays next can only be audio that arrived after it ran dry).
   */
  stopped(): void {
    if (this.#playing && this.#itemId !== undefined) {
      const part = { itemId: this.#itemId, contentIndex: this.#contentIndex };
      this.#settle(part, this.#playedMs, receivedMsOf(this.#responses(), part));
    }
    this.#playing = false;
    this.#stoppedAt = this.#clock.now();
  }

  /**
   * @internal `session.interrupt()`: the speaker was cleared and the part being played (`at`,
   * the position the interruption cut at) stopped there for good: nothing more of it plays, and
   * reports of it after this are of audio the clear dropped.
   */
  cleared(at: PlaybackPosition | undefined): void {
    // the part the reports were on, when the interruption was told another (or none) was playing
    const reported =
      this.#playing && this.#itemId !== undefined
        ? { itemId: this.#itemId, contentIndex: this.#contentIndex, playedMs: this.#playedMs }
        : undefined;
    // stopped() also ends the clock's estimate: without it the clock would go on "playing" an
    // answer already cut, and the next interruption would truncate it past its cut
    this.stopped();
    if (reported !== undefined) this.#settle(reported, reported.playedMs, Infinity);
    if (at !== undefined) this.#settle(at, at.playedMs, Infinity);
    this.#itemId = undefined;
    this.#currentSettled = undefined;
    this.#playedMs = 0;
  }

  /**
   * @internal the restore after a drop (`reconnect/cut-answers.ts`): the ms reported played of the
   * part, as `played()` left them (a drain keeps them: the part may play on); `undefined` when
   * the part is not the one last reported.
   */
  reportedMs(itemId: string, contentIndex: number): number | undefined {
    return this.#itemId === itemId && this.#contentIndex === contentIndex
      ? this.#playedMs
      : undefined;
  }

  /**
   * @internal `session.interrupt()` after the speaker ran dry: the part the reports were on when
   * `stopped()` was called, and the ms heard of it (a drain is not the answer's end: the user
   * heard that much of it). `undefined` while a part is playing, after a clear, and without
   * reports.
   */
  get drained(): PlaybackPosition | undefined {
    return this.#reported && !this.#playing ? this.#reportedPosition() : undefined;
  }

  /** @internal when the speaker was last drained or cleared (`-Infinity`: never). */
  get stoppedAt(): number {
    return this.#stoppedAt;
  }

  /** Whether the app has reported playback in this session. */
  get reporting(): boolean {
    return this.#reported;
  }

  /**
   * The content part being played and how much of it was heard: as reported, or (before any
   * report) estimated from the clock over the responses in progress and retained; `undefined`
   * when nothing is playing.
   */
  get position(): PlaybackPosition | undefined {
    if (this.#reported) return this.#playing ? this.#reportedPosition() : undefined;
    return estimatePlayback(this.#responses(), this.#clock.now(), this.#stoppedAt);
  }

  // the part the reports are on, and the ms reported of it
  #reportedPosition(): PlaybackPosition | undefined {
    if (this.#itemId === undefined) return undefined;
    const at = { itemId: this.#itemId, contentIndex: this.#contentIndex };
    // a sink that reports more than it was given (a miscounted frame) plays nothing beyond the
    // audio received: capped as interrupt() caps its truncation
    const received = receivedMsOf(this.#responses(), at);
    return {
      ...at,
      playedMs: received === undefined ? this.#playedMs : Math.min(this.#playedMs, received),
      source: 'reported',
    };
  }
}
