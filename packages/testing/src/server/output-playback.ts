/**
 * The output audio buffer of a media connection (`audioPath: 'media'`, a WebRTC call): the
 * server plays each response's audio itself, on its clock, instead of sending it in
 * `response.output_audio.delta` frames, and reports the playback with
 * `output_audio_buffer.started` / `stopped` / `cleared` (protocol.md §7.4, §7.5, §7.8).
 *
 * The model: audio goes into one buffer per connection as it is generated (when a delta would
 * have gone out) and plays in real time. A chunk starts playing when it arrives or when the
 * audio queued before it has played, whichever is later, so a second response's audio queues
 * behind the first, and generation slower than real time leaves gaps (the buffer runs dry).
 * @module
 */
import type { Clock } from '@voxwire/protocol';
import type { Conversation } from './conversation.js';
import { cutAssistantAudio } from './handlers-items.js';
import type { WireEvent } from './wire.js';

/** Where one response's audio is in the buffer. */
export type OutputAudioState =
  /** Generated, waiting behind another response's audio. */
  | 'queued'
  /** `output_audio_buffer.started` went out; not stopped or cleared yet. */
  | 'playing'
  /** Played to the end after `response.done`: `output_audio_buffer.stopped` went out. */
  | 'stopped'
  /** Cut while playing (`output_audio_buffer.clear` or a VAD barge-in): `cleared` went out. */
  | 'cleared'
  /** Queued behind the response a clear cut: dropped unplayed, with no event. */
  | 'dropped'
  /**
   * Playing or queued when the connection closed: cut at what had played (nothing, if queued),
   * with no event (nobody to send it to). The call's remote track plays nothing more.
   */
  | 'ended';

/** One response's audio in the output buffer, as {@link OutputAudioBuffer.entries} shows it. */
export interface OutputAudioEntry {
  /** The response whose audio this is. */
  readonly responseId: string;
  /** The assistant items its audio belongs to, in order. */
  readonly itemIds: readonly string[];
  /** See {@link OutputAudioState}. */
  readonly state: OutputAudioState;
  /** Ms of audio the response put in the buffer (what the deltas would have carried). */
  readonly generatedMs: number;
  /** Ms played out so far, by the server's clock now (fixed once cleared or dropped). */
  readonly playedMs: number;
  /** Clock ms at `output_audio_buffer.started`, once sent. */
  readonly startedAt: number | undefined;
  /** Clock ms at `output_audio_buffer.stopped`, once sent. */
  readonly stoppedAt: number | undefined;
  /** Clock ms at `output_audio_buffer.cleared` (or of the clear that dropped it, or of the close that ended it). */
  readonly clearedAt: number | undefined;
}

/** What the buffer needs of its connection (a `FakeConnection`). */
export interface OutputAudioHost {
  readonly host: { readonly clock: Clock };
  readonly conversation: Conversation;
  emit(event: WireEvent): void;
  /** Runs `callback` after `ms` on the server's clock, unless the connection closes first. */
  schedule(callback: () => void, ms: number): void;
}

interface Segment {
  readonly itemId: string;
  readonly startAt: number;
  readonly ms: number;
}

interface Track {
  readonly responseId: string;
  readonly segments: Segment[];
  state: OutputAudioState;
  done: boolean;
  startedAt: number | undefined;
  stoppedAt: number | undefined;
  clearedAt: number | undefined;
  // what had played when a clear cut or dropped it
  frozenMs: number | undefined;
}

/** The output audio buffer of one connection. Only a media connection feeds it. */
export class OutputAudioBuffer {
  readonly #tracks: Track[] = [];
  // when the audio queued so far will have played
  #bufferEnd = 0;
  // the instant of the earliest wake-up scheduled, to schedule no duplicate
  #wakeAt: number | undefined;

  constructor(private readonly conn: OutputAudioHost) {}

  /** Every response whose audio entered the buffer, in order (snapshots). */
  get entries(): readonly OutputAudioEntry[] {
    return this.#tracks.map((t) => ({
      responseId: t.responseId,
      itemIds: [...new Set(t.segments.map((s) => s.itemId))],
      state: t.state,
      generatedMs: t.segments.reduce((sum, s) => sum + s.ms, 0),
      playedMs: this.#played(t),
      startedAt: t.startedAt,
      stoppedAt: t.stoppedAt,
      clearedAt: t.clearedAt,
    }));
  }

  /** Ms of `responseId`'s audio played so far (0 for a response with none in the buffer). */
  playedMs(responseId: string): number {
    const track = this.#tracks.find((t) => t.responseId === responseId);
    return track ? this.#played(track) : 0;
  }

  /** Whether a response's audio is playing (a clear would cut it). */
  get playing(): boolean {
    return this.#tracks.some((t) => t.state === 'playing');
  }

  /**
   * Audio generated for `responseId` (where a delta would have gone out): it plays once the
   * audio before it has. Audio of a response already cleared or dropped is dropped too: the
   * client cut it.
   */
  play(responseId: string, itemId: string, samples: number, sampleRate: number): void {
    let track = this.#tracks.find((t) => t.responseId === responseId);
    if (
      track &&
      (track.state === 'cleared' || track.state === 'dropped' || track.state === 'ended')
    )
      return;
    if (!track) {
      track = {
        responseId,
        segments: [],
        state: 'queued',
        done: false,
        startedAt: undefined,
        stoppedAt: undefined,
        clearedAt: undefined,
        frozenMs: undefined,
      };
      this.#tracks.push(track);
    }
    const ms = (samples * 1000) / sampleRate;
    const startAt = Math.max(this.#bufferEnd, this.conn.host.clock.now());
    track.segments.push({ itemId, startAt, ms });
    this.#bufferEnd = startAt + ms;
    this.#pump();
  }

  /** `response.done` went out for `responseId`: its `stopped` may follow once it has played. */
  responseDone(responseId: string): void {
    const track = this.#tracks.find((t) => t.responseId === responseId);
    if (!track) return;
    track.done = true;
    this.#pump();
  }

  /**
   * Stops playback at once: the playing response's items are cut at the ms played (floored),
   * `output_audio_buffer.cleared {response_id}` goes out, and the audio queued
   * behind it is dropped unplayed. With nothing playing, nothing happens and nothing is sent
   * (protocol.md documents no answer to a clear with nothing to clear).
   * @returns the id of the response cut, or `undefined` when nothing was playing
   */
  clear(): string | undefined {
    this.#pump();
    const now = this.conn.host.clock.now();
    const playing = this.#tracks.find((t) => t.state === 'playing');
    if (!playing) return undefined;
    for (const t of this.#tracks) {
      if (t.state !== 'playing' && t.state !== 'queued') continue;
      t.frozenMs = this.#played(t);
      t.state = t === playing ? 'cleared' : 'dropped';
      t.clearedAt = now;
    }
    this.#bufferEnd = now;
    // each item is cut where its audio stopped: what the user heard, as a truncate would leave
    // it (no `conversation.item.truncated`: protocol.md documents none for a clear)
    for (const itemId of new Set(playing.segments.map((s) => s.itemId))) {
      const stored = this.conn.conversation.get(itemId);
      if (stored?.audio)
        cutAssistantAudio(stored, Math.floor(this.#playedOf(playing, now, itemId)));
    }
    this.conn.emit({ type: 'output_audio_buffer.cleared', response_id: playing.responseId });
    return playing.responseId;
  }

  /**
   * The connection closed: what was playing or queued ends where it was, so `playedMs` tells
   * what the user heard before the drop instead of growing on with the clock. No event.
   */
  connectionClosed(): void {
    const now = this.conn.host.clock.now();
    for (const t of this.#tracks) {
      if (t.state !== 'playing' && t.state !== 'queued') continue;
      t.frozenMs = this.#playedOf(t, now);
      t.state = 'ended';
      t.clearedAt = now;
    }
    this.#bufferEnd = now;
  }

  #played(track: Track): number {
    return track.frozenMs ?? this.#playedOf(track, this.conn.host.clock.now());
  }

  #playedOf(track: Track, now: number, itemId?: string): number {
    let sum = 0;
    for (const s of track.segments)
      if (itemId === undefined || s.itemId === itemId)
        sum += Math.min(s.ms, Math.max(0, now - s.startAt));
    return sum;
  }

  // sends the started/stopped events now due, in buffer order (one response's stopped before
  // the next one's started at the same instant), and wakes up at the next one
  #pump(): void {
    const now = this.conn.host.clock.now();
    let next: number | undefined;
    for (const t of this.#tracks) {
      const first = t.segments[0];
      if (t.state === 'queued' && first) {
        if (first.startAt > now) {
          next = Math.min(next ?? Infinity, first.startAt);
          continue;
        }
        t.state = 'playing';
        t.startedAt = now;
        this.conn.emit({ type: 'output_audio_buffer.started', response_id: t.responseId });
      }
      if (t.state !== 'playing' || !t.done) continue;
      const last = t.segments[t.segments.length - 1];
      const end = last ? last.startAt + last.ms : now;
      if (end > now) {
        next = Math.min(next ?? Infinity, end);
        continue;
      }
      t.state = 'stopped';
      t.stoppedAt = now;
      this.conn.emit({ type: 'output_audio_buffer.stopped', response_id: t.responseId });
    }
    if (next === undefined || (this.#wakeAt !== undefined && this.#wakeAt <= next)) return;
    const at = next;
    this.#wakeAt = at;
    this.conn.schedule(() => {
      if (this.#wakeAt === at) this.#wakeAt = undefined;
      this.#pump();
    }, at - now);
  }
}
