/**
 * What the response tracker reports to (the session turns these into events) and what it is
 * configured with.
 * @module
 */
import type { AudioFrame, Clock } from '@voxwire/protocol';
import type { VoxwireError } from '../errors.js';
import type { AudioFormatName, AudioRetention } from '../options.js';
import type { ChunkStreamOptions } from './stream.js';
import type { RealtimeContent, RealtimeOutput, RealtimeResponse } from './tree.js';

/** What the tracker reports (the session turns these into events). */
export interface TrackerSink {
  created(response: RealtimeResponse): void;
  outputAdded(output: RealtimeOutput): void;
  contentAdded(content: RealtimeContent): void;
  /** A decoded audio chunk of `content` (hot path: once per audio delta). */
  audio(frame: AudioFrame, content: RealtimeContent): void;
  /**
   * Whether the audio of `responseId`, and the transcript of that audio, are no longer handed
   * over (`session.interrupt()` cancelled it: what is still on its way must not be played, nor
   * shown as captions of words never spoken): they are counted and kept, not emitted nor
   * streamed. Text parts are not concerned. Absent: always handed over. Hot path: once per
   * audio or transcript delta, so it allocates nothing.
   */
  silenced?(responseId: string): boolean;
  /** A text or transcript delta of `content` (hot path: once per text delta). */
  text(delta: string, content: RealtimeContent): void;
  contentDone(content: RealtimeContent): void;
  outputDone(output: RealtimeOutput): void;
  done(response: RealtimeResponse): void;
  violation(error: VoxwireError): void;
}

/** Options of {@link ResponseTracker}. */
export interface TrackerOptions {
  /** Time for `createdAt` / `firstTokenAt`. */
  clock: Clock;
  /** Accumulated-audio retention per content. */
  audioRetention: AudioRetention;
  /** Finished responses kept for inspection. */
  maxRetained: number;
  /** The session's current output format (G.711 deltas are decoded to PCM16 at 8 kHz). */
  outputFormat: () => AudioFormatName;
  /** Bounds of the text and audio streams. @default unbounded */
  streams?: ChunkStreamOptions;
}
