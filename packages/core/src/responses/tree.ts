/**
 * The response tree the seed exposes: response → outputs → contents, with ids and indexes,
 * accumulated text, streams, done promises, status and usage. The tracker (`tracker.ts`) builds
 * and feeds it from server events; apps only read it.
 * @module
 */
import type {
  AudioFrame,
  ConversationItem,
  ResponseResource,
  ServerErrorDetails,
} from '@voxwire/protocol';
import { formatSampleRate, type AudioFormatName, type AudioRetention } from '../options.js';
import { EndsOnce } from './ends-once.js';
import { ChunkStream, type ChunkStreamOptions } from './stream.js';

/** A response's status: the wire's five values. */
export type ResponseStatus = 'in_progress' | 'completed' | 'cancelled' | 'failed' | 'incomplete';

/** Why a response ended the way it did (the wire's `status_details`, plus a local cause). */
export interface ResponseStatusDetails {
  /** `completed`, `cancelled`, `incomplete` or `failed`. */
  type?: string | undefined;
  /** `turn_detected`, `client_cancelled`, `max_output_tokens`, `content_filter`, or the local `connection_lost` / `session_closed`. */
  reason?: string | undefined;
  /** The error of a failed response (`{type, code}` from the server; `{type:'voxwire', code}` when the engine ended it). */
  error?:
    | { type?: string | undefined; code?: string | null | undefined; message?: string | undefined }
    | undefined;
}

/** The kind of a content part. */
export type ContentType = 'text' | 'audio';

/** One content part of an output item: text, or audio with its transcript. */
export class RealtimeContent extends EndsOnce<RealtimeContent> {
  /** Accumulated text (the transcript, for audio content). Always kept: it is small. */
  text = '';
  /** Accumulated output audio, as `audioRetention` allows (`'none'` by default: use `audioStream`). */
  readonly audio: AudioFrame[] = [];
  /** Total output audio received, in samples (counted whatever the retention). */
  audioSamples = 0;
  /** Frames not kept in `audio` because of the retention cap. */
  audioFramesDropped = 0;
  #textStream: ChunkStream<string> | undefined;
  #audioStream: ChunkStream<AudioFrame> | undefined;
  readonly #retention: AudioRetention;
  readonly #streamOptions: ChunkStreamOptions;
  #retainedMs = 0;

  /** @internal built by the tracker */
  constructor(
    /** The response this content belongs to. */
    readonly responseId: string,
    /** The output item's id. */
    readonly itemId: string,
    /** Index of the output in `response.output`. */
    readonly outputIndex: number,
    /** Index of this part in the item's content. */
    readonly contentIndex: number,
    /** `text` or `audio` (the seed's `content_type`). */
    readonly contentType: ContentType,
    retention: AudioRetention,
    /**
     * The wire format of its audio, fixed when it was announced: the response's own, so a
     * session update while it streams does not change how its remaining deltas are read.
     */
    readonly audioFormat: AudioFormatName,
    streamOptions: ChunkStreamOptions = {},
  ) {
    super();
    this.#retention = retention;
    this.#streamOptions = streamOptions;
    this.sampleRate = formatSampleRate(audioFormat);
  }

  /** Sample rate of the audio frames (24000, or 8000 for G.711). */
  readonly sampleRate: number;

  /**
   * Text deltas (transcript deltas for audio content) as they arrive; for audio content, not
   * those that arrive after `session.interrupt()` cancelled the response (their audio is not
   * handed over either: `text` still gets them). A stream starts buffering
   * when first read: take it in a `response_content_added` listener to see every delta. Ends
   * when the content ends on any path; `content.text` always holds the whole text. Bounded by
   * the session's `streamHighWaterMark` / `streamPolicy` for consumers slower than the server.
   */
  get textStream(): AsyncIterableIterator<string> {
    return (this.#textStream ??= this.#newStream());
  }

  /** Audio frames (PCM16) as they arrive; same rules as `textStream`. Empty for text content. */
  get audioStream(): AsyncIterableIterator<AudioFrame> {
    return (this.#audioStream ??= this.#newStream());
  }

  #newStream<T>(): ChunkStream<T> {
    const s = new ChunkStream<T>(this.#streamOptions);
    if (this.isDone) s.close();
    return s;
  }

  /** Duration of the audio received so far, in ms. */
  get audioDurationMs(): number {
    return (this.audioSamples * 1000) / this.sampleRate;
  }

  /** @internal `stream`: whether the delta goes to {@link textStream} (not after a barge-in). */
  _text(delta: string, stream = true): void {
    this.text += delta;
    if (stream) this.#textStream?.push(delta);
  }

  /** @internal replaces the accumulated text with the server's final text */
  _textDone(text: string): void {
    this.text = text;
    this.#textStream?.close();
  }

  /** @internal `stream`: whether the frame goes to {@link audioStream} (not after a barge-in). */
  _audio(frame: AudioFrame, stream = true): void {
    const samples = frame.data.length;
    this.audioSamples += samples;
    if (stream) this.#audioStream?.push(frame);
    const r = this.#retention;
    if (r === 'none') return;
    if (r === 'all') {
      this.audio.push(frame);
      return;
    }
    const ms = (samples * 1000) / frame.sampleRate;
    // the first frames, without a gap: once one did not fit, no later (shorter) one is kept
    if (this.audioFramesDropped === 0 && this.#retainedMs + ms <= r.maxDurationMs) {
      this.#retainedMs += ms;
      this.audio.push(frame);
    } else {
      this.audioFramesDropped++;
    }
  }

  /** @internal */
  _audioDone(): void {
    this.#audioStream?.close();
  }

  /** @internal ends streams and resolves `done`; idempotent */
  _end(): void {
    if (!this.beginEnd()) return;
    this.#textStream?.close();
    this.#audioStream?.close();
    this.settleDone();
  }
}

/** One output item of a response: a message or a function call. */
export class RealtimeOutput extends EndsOnce<RealtimeOutput> {
  /** The content parts, by `content_index`. */
  readonly content: RealtimeContent[] = [];
  /** The item as last reported (`output_item.added`, `output_item.done`, then the same object as in `response.done`'s `resource.output`). */
  item: ConversationItem;
  /** Function calls: the arguments accumulated from `function_call_arguments.delta`. */
  arguments = '';

  /** @internal built by the tracker */
  constructor(
    /** The response this output belongs to. */
    readonly responseId: string,
    /** The item's id. */
    readonly itemId: string,
    /** Index in `response.output`. */
    readonly outputIndex: number,
    item: ConversationItem,
  ) {
    super();
    this.item = item;
  }

  /** `message`, `function_call`, or another GA item type. */
  get type(): string {
    return this.item.type;
  }

  /** The speaker: the item's role; `assistant` for function calls (as the seed). */
  get role(): string {
    return 'role' in this.item && typeof this.item.role === 'string' ? this.item.role : 'assistant';
  }

  /** @internal */
  _end(): void {
    if (!this.beginEnd()) return;
    for (const c of this.content) c?._end();
    (this as { content: RealtimeContent[] }).content = exactly(this.content);
    this.settleDone();
  }
}

/** A model response (the seed's `RealtimeResponse`). */
export class RealtimeResponse extends EndsOnce<RealtimeResponse> {
  /** Output items, by `output_index`. */
  readonly output: RealtimeOutput[] = [];
  /** Current status; `in_progress` until `response.done` (or until the engine ends it). */
  status: ResponseStatus = 'in_progress';
  /** Why it ended, when it did not complete. */
  statusDetails: ResponseStatusDetails | null = null;
  /** Token usage from `response.done`. */
  usage: ResponseResource['usage'] | null = null;
  /** The final response object from `response.done` (raw audio omitted by the server). */
  resource: ResponseResource;
  /** Clock time of `response.created`, ms. */
  readonly createdAt: number;
  /** Clock time of the first text or audio delta, ms; `undefined` before one. */
  firstTokenAt: number | undefined;
  /**
   * Clock time of the first audio delta, ms; `undefined` before one (a speaker starts playing
   * then: transcript deltas or a function call's arguments may come well before it).
   */
  firstAudioAt: number | undefined;
  /** Clock time of the end, ms. */
  endedAt: number | undefined;
  /** The local error when the engine ended it (socket lost, session closed); `undefined` otherwise. */
  localError: Error | undefined;
  /**
   * Whether it was asked for out of band (`conversation: 'none'`): `true` or `false` when a
   * tagged create of this session started it (`generate()`, or `create()`: matched by the tag
   * its `response.created` echoes), set before `response_created` is emitted; `undefined` when
   * that is not known (a `create()` whose metadata had no room for the tag, a response server
   * VAD started, a server that drops `metadata`). `interrupt()` reads it.
   */
  outOfBand: boolean | undefined;

  /** @internal built by the tracker */
  constructor(
    /** The response id (`resp_…`). */
    readonly id: string,
    resource: ResponseResource,
    createdAt: number,
  ) {
    super();
    this.resource = resource;
    this.createdAt = createdAt;
  }

  /** The text of every content of every output, joined (transcripts for audio). */
  get text(): string {
    let out = '';
    for (const o of this.output) if (o) for (const c of o.content) if (c) out += c.text;
    return out;
  }

  /** The server's error for a failed response, when it gave one. */
  get error(): ServerErrorDetails | undefined {
    const e = this.statusDetails?.error;
    if (!e || this.status !== 'failed') return undefined;
    return { type: e.type ?? 'unknown', code: e.code ?? null, message: e.message ?? '' };
  }

  /** @internal */
  _end(at: number): void {
    if (!this.beginEnd()) return;
    this.endedAt = at;
    for (const o of this.output) o?._end();
    (this as { output: RealtimeOutput[] }).output = exactly(this.output);
    this.settleDone();
  }
}

/**
 * A copy of `list` that holds exactly its elements. The tree's arrays grow one index at a time,
 * and V8 gives an array grown from empty 16 spare slots (~130 bytes): a finished response, kept
 * for inspection for the rest of the session, keeps the copy instead. Nothing is added to a
 * finished response, so a reference taken earlier still sees the same elements.
 */
function exactly<T>(list: T[]): T[] {
  return list.length === 0 ? list : list.slice();
}

/**
 * Content `contentIndex` of item `itemId` of `r`; `undefined` when `r` has no such item or part.
 */
export function contentOf(
  r: RealtimeResponse,
  itemId: string,
  contentIndex: number,
): RealtimeContent | undefined {
  for (const o of r.output) if (o?.itemId === itemId) return o.content[contentIndex];
  return undefined;
}
