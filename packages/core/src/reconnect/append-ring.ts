/**
 * Where the reconnect's microphone ledger keeps the appends it may replay, without an object per
 * append. A voice session appends a 20 ms frame every 20 ms and the ledger keeps each one about
 * 1.3 s between turns (longer in a turn): held as the encoded event, every append lived long
 * enough to be promoted to V8's old space and then died there, the worst case for a
 * generational collector (apps/bench/PROFILE.md round 14: ~91 KiB of live tail cost ~320 KiB of
 * RSS per session). Here the event's text (its `event_id` and base64 `audio`) is copied into
 * byte chunks, and the rest of each append (times, format, where its text is) into typed
 * arrays used as a ring: a kept append leaves no object behind once the writer is done with it.
 * A replay builds fresh events from that text.
 *
 * Chunks are allocated as the kept audio grows (the ledger's `maxMs` bounds it), released or
 * reused once every append in them is trimmed, and everything is released when the ledger
 * empties: most sessions' ledgers hold a short tail or nothing.
 * @module
 */
import type { ClientEvent } from '@voxwire/protocol';
import type { AudioFormatName } from '../options.js';
import { TrustedAppend } from '../session-api.js';

// 6 PCM16 frames of 20 ms (1,280 base64 characters and an id each) or 35 G.711 ones: the unused
// end of the newest chunk and the spare stay a fraction of a 1.3 s tail (~84 KB); 16 KiB chunks
// measured no better, in the in-process probe or in RSS (apps/bench voice-sessions)
const CHUNK_BYTES = 8 * 1024;
// records before the first growth: 2.56 s of 20 ms frames, the ~1.3 s tail kept between VAD
// turns fits without growing
const FIRST_CAPACITY = 128;
// fields per record in #slots: chunk sequence number, offset, id bytes (NO_ID: none), audio bytes
const SLOT = 4;
const NO_ID = -1;
const FORMATS: readonly AudioFormatName[] = ['pcm16', 'g711_ulaw', 'g711_alaw'];
const FORMAT_MASK = 3;
// the append was a TrustedAppend: the replay is one too (the writer's fast path, the format kept)
const TRUSTED = 4;
// its text is not ASCII (an app's append may carry any string): stored as UTF-16 code units,
// two bytes each, so that even a lone surrogate comes back as it was (UTF-8 would replace it)
const WIDE = 8;

// made on the first append kept (TextEncoder and TextDecoder exist in every runtime core runs on;
// typed through their constructors: a consumer compiling this source without the DOM lib has the
// globals from @types/node but not their interfaces)
let encoder: InstanceType<typeof TextEncoder> | undefined;
let decoder: InstanceType<typeof TextDecoder> | undefined;

/** Appends kept in arrival order, their text in byte chunks and their bookkeeping in typed arrays. */
export class AppendRing {
  // record i (0 = oldest) lives at ring index #at(i): [startMs, endMs] in #times, SLOT fields
  // in #slots, format and flags in #flags; all allocated on the first push
  #times: Float64Array | undefined;
  #slots: Int32Array | undefined;
  #flags: Uint8Array | undefined;
  #capacity = 0;
  #head = 0;
  #count = 0;
  // text chunks, oldest first; #chunks[0] has sequence number #firstChunk, and the newest is
  // filled up to #fill
  #chunks: Uint8Array[] = [];
  #firstChunk = 0;
  #fill = 0;
  // a released chunk kept for the next one needed: in a steady stream one chunk is released as
  // another fills, so none is allocated at all
  #spare: Uint8Array | undefined;

  /** Appends kept. */
  get length(): number {
    return this.#count;
  }

  /** Bytes of storage held (typed arrays, text chunks and the spare): for tests and probes. */
  get storageBytes(): number {
    let bytes = (this.#times?.byteLength ?? 0) + (this.#slots?.byteLength ?? 0);
    bytes += (this.#flags?.byteLength ?? 0) + (this.#spare?.byteLength ?? 0);
    for (const chunk of this.#chunks) bytes += chunk.byteLength;
    return bytes;
  }

  /** Input audio offset of append `i`'s first sample (0 is the oldest), ms. */
  startMs(i: number): number {
    return this.#times![this.#at(i) * 2]!;
  }

  /** …and of its end, ms. */
  endMs(i: number): number {
    return this.#times![this.#at(i) * 2 + 1]!;
  }

  /** The input format append `i`'s audio is in. */
  format(i: number): AudioFormatName {
    return FORMATS[this.#flags![this.#at(i)]! & FORMAT_MASK]!;
  }

  /** Keeps `event` (newest), its audio in `format`, spanning `startMs`–`endMs` of the input. */
  push(
    event: ClientEvent & { readonly audio: string },
    format: AudioFormatName,
    startMs: number,
    endMs: number,
  ): void {
    if (this.#count === this.#capacity)
      this.#resize(this.#capacity === 0 ? FIRST_CAPACITY : this.#capacity * 2);
    const id = event.event_id;
    const audio = event.audio;
    const idChars = id === undefined ? 0 : id.length;
    let flags = FORMATS.indexOf(format) | (event instanceof TrustedAppend ? TRUSTED : 0);
    // ASCII, as the engine's own ids and base64 always are: one byte per character
    let at = this.#room(idChars + audio.length);
    let chunk = this.#chunks[this.#chunks.length - 1]!;
    // a character that needs more than one byte in UTF-8 leaves some of the audio unread in
    // the room it was given: not ASCII
    const ascii =
      (id === undefined || writeAscii(id, chunk, at)) &&
      (encoder ??= new TextEncoder()).encodeInto(
        audio,
        chunk.subarray(at + idChars, at + idChars + audio.length),
      ).read === audio.length;
    let idBytes = idChars;
    let audioBytes = audio.length;
    if (!ascii) {
      // (the room taken above stays unused: this path is for appends that are not base64)
      flags |= WIDE;
      idBytes *= 2;
      audioBytes *= 2;
      at = this.#room(idBytes + audioBytes);
      chunk = this.#chunks[this.#chunks.length - 1]!;
      if (id !== undefined) writeWide(id, chunk, at);
      writeWide(audio, chunk, at + idBytes);
    }
    this.#fill = at + idBytes + audioBytes;
    const r = this.#at(this.#count);
    this.#times![r * 2] = startMs;
    this.#times![r * 2 + 1] = endMs;
    const slots = this.#slots!;
    slots[r * SLOT] = this.#firstChunk + this.#chunks.length - 1;
    slots[r * SLOT + 1] = at;
    slots[r * SLOT + 2] = id === undefined ? NO_ID : idBytes;
    slots[r * SLOT + 3] = audioBytes;
    this.#flags![r] = flags;
    this.#count++;
  }

  /** The bytes append `i`'s audio text takes (its base64 length, for the ASCII it always is). */
  audioBytes(i: number): number {
    return this.#slots![this.#at(i) * SLOT + 3]!;
  }

  /**
   * A fresh event for append `i`, equal to the one kept: same `event_id` (or none), same audio,
   * a TrustedAppend in the same format when it was one.
   */
  event(i: number): ClientEvent {
    const r = this.#at(i);
    const slots = this.#slots!;
    const chunk = this.#chunks[slots[r * SLOT]! - this.#firstChunk]!;
    const at = slots[r * SLOT + 1]!;
    const idBytes = slots[r * SLOT + 2]!;
    const audioBytes = slots[r * SLOT + 3]!;
    const flags = this.#flags![r]!;
    const read = flags & WIDE ? readWide : readAscii;
    const id = idBytes === NO_ID ? undefined : read(chunk, at, idBytes);
    const audio = read(chunk, at + Math.max(idBytes, 0), audioBytes);
    if (flags & TRUSTED)
      return new TrustedAppend(id ?? '', audio, FORMATS[flags & FORMAT_MASK]!) as ClientEvent;
    return id === undefined
      ? { type: 'input_audio_buffer.append', audio }
      : { type: 'input_audio_buffer.append', event_id: id, audio };
  }

  /** Forgets the oldest append; the chunks no kept append uses any more are released. */
  shift(): void {
    if (--this.#count === 0) {
      this.clear();
      return;
    }
    this.#head = this.#at(1);
    // a long turn grew the ring; the tail kept between turns is a fraction of it and the ledger
    // may never empty while the microphone streams: halve it once a quarter is used (not half,
    // so that a count near the boundary does not copy on every append)
    if (this.#capacity > FIRST_CAPACITY && this.#count <= this.#capacity >> 2)
      this.#resize(this.#capacity >> 1);
    const oldest = this.#slots![this.#head * SLOT]!;
    while (this.#firstChunk < oldest) {
      const chunk = this.#chunks.shift()!;
      this.#firstChunk++;
      // an oversized chunk (one append larger than CHUNK_BYTES) is not worth keeping
      if (chunk.length === CHUNK_BYTES) this.#spare = chunk;
    }
  }

  /** Forgets every append and releases all storage. */
  clear(): void {
    this.#times = this.#slots = this.#flags = this.#spare = undefined;
    this.#chunks = [];
    this.#capacity = this.#head = this.#count = this.#firstChunk = this.#fill = 0;
  }

  // where `bytes` more fit in the newest chunk, starting a chunk when they do not
  #room(bytes: number): number {
    const chunks = this.#chunks;
    const newest = chunks[chunks.length - 1];
    if (newest !== undefined && this.#fill + bytes <= newest.length) return this.#fill;
    let chunk: Uint8Array;
    if (bytes <= CHUNK_BYTES && this.#spare !== undefined) {
      chunk = this.#spare;
      this.#spare = undefined;
    } else chunk = new Uint8Array(Math.max(bytes, CHUNK_BYTES));
    chunks.push(chunk);
    this.#fill = 0;
    return 0;
  }

  // the ring index of record `i` (the capacity is a power of two)
  #at(i: number): number {
    return (this.#head + i) & (this.#capacity - 1);
  }

  // moves the records, in order, to rings of `next` records (at least the count)
  #resize(next: number): void {
    const times = new Float64Array(next * 2);
    const slots = new Int32Array(next * SLOT);
    const flags = new Uint8Array(next);
    // the records from the head up to the end of the old ring, then the rest from its start
    const head = this.#head;
    const count = this.#count;
    const first = Math.min(count, this.#capacity - head);
    if (count > 0) {
      times.set(this.#times!.subarray(head * 2, (head + first) * 2));
      times.set(this.#times!.subarray(0, (count - first) * 2), first * 2);
      slots.set(this.#slots!.subarray(head * SLOT, (head + first) * SLOT));
      slots.set(this.#slots!.subarray(0, (count - first) * SLOT), first * SLOT);
      flags.set(this.#flags!.subarray(head, head + first));
      flags.set(this.#flags!.subarray(0, count - first), first);
    }
    this.#times = times;
    this.#slots = slots;
    this.#flags = flags;
    this.#capacity = next;
    this.#head = 0;
  }
}

// `text` into `bytes` at `at` when every character is ASCII (an id is a few dozen characters: a
// loop is cheaper than encodeInto's view and result objects)
function writeAscii(text: string, bytes: Uint8Array, at: number): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return false;
    bytes[at + i] = c;
  }
  return true;
}

function writeWide(text: string, bytes: Uint8Array, at: number): void {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    bytes[at + 2 * i] = c & 0xff;
    bytes[at + 2 * i + 1] = c >> 8;
  }
}

function readAscii(bytes: Uint8Array, at: number, length: number): string {
  return (decoder ??= new TextDecoder()).decode(bytes.subarray(at, at + length));
}

function readWide(bytes: Uint8Array, at: number, length: number): string {
  let text = '';
  for (let i = at; i < at + length; i += 2)
    text += String.fromCharCode(bytes[i]! | (bytes[i + 1]! << 8));
  return text;
}
