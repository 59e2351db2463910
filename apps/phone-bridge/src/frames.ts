/**
 * The answer's µ-law cut into Twilio's frames. The model's chunks are of any size (50 ms, 30 ms,
 * a second): cut one at a time, each would end in a short frame mid-answer (160, 160, 80, 160,
 * …), and uneven frames are reported to jitter (openai-agents-js#1173). So a chunk's remainder
 * is held and goes out at the head of the next chunk of the same content part; only the part's
 * last frame may be short. Held bytes were never sent: a barge-in drops them unheard, and no mark
 * counts them until they go out.
 * @module
 */
import type { AudioContentRef } from '@voxwire/core';

/** One frame to send: its µ-law bytes and the content part they are audio of. */
export interface UlawFrame {
  readonly content: AudioContentRef;
  readonly bytes: Uint8Array;
}

/** Cuts one call's answer audio into frames; see the module. */
export interface FrameCutter {
  /**
   * The whole frames `bytes` of `content` completes, after what was held of it; the rest is
   * held. Audio of another content part first flushes what was held of the previous one (a
   * part's end whose `response_content_done` was lost with a connection, say).
   */
  push(content: AudioContentRef, bytes: Uint8Array): UlawFrame[];
  /**
   * What is held, as one short frame (empty when nothing is): the end of a content part, or of
   * the response. With `content`, only when the held bytes are of that part.
   */
  flush(content?: AudioContentRef): UlawFrame[];
  /** Forgets what is held (a barge-in: Twilio is cleared, those bytes are never to play). */
  drop(): void;
  /** Whether bytes are held, not yet sent. */
  readonly holding: boolean;
}

function samePart(a: AudioContentRef, b: AudioContentRef): boolean {
  return a.itemId === b.itemId && a.contentIndex === b.contentIndex;
}

/** A {@link FrameCutter} of `frameBytes` bytes a frame (160 for Twilio's 20 ms). */
export function createFrameCutter(frameBytes: number): FrameCutter {
  let held: { content: AudioContentRef; bytes: Uint8Array } | undefined;
  const flush = (content?: AudioContentRef): UlawFrame[] => {
    if (held === undefined || (content !== undefined && !samePart(held.content, content)))
      return [];
    const frame = held;
    held = undefined;
    return [frame];
  };
  return {
    push(content, bytes) {
      const frames = held !== undefined && !samePart(held.content, content) ? flush() : [];
      const ref = { itemId: content.itemId, contentIndex: content.contentIndex };
      let audio = bytes;
      if (held !== undefined) {
        audio = new Uint8Array(held.bytes.length + bytes.length);
        audio.set(held.bytes);
        audio.set(bytes, held.bytes.length);
        held = undefined;
      }
      const whole = audio.length - (audio.length % frameBytes);
      for (let at = 0; at < whole; at += frameBytes)
        frames.push({ content: ref, bytes: audio.subarray(at, at + frameBytes) });
      // a copy: the chunk's buffer is the engine's, and the remainder outlives this listener
      if (whole < audio.length) held = { content: ref, bytes: audio.slice(whole) };
      return frames;
    },
    flush,
    drop() {
      held = undefined;
    },
    get holding() {
      return held !== undefined;
    },
  };
}
