/**
 * The session's sub-APIs (input audio buffer, conversation items, responses): their types, and
 * the argument checks and client-event builders behind them, kept out of `session.ts` so that
 * file stays composition.
 * @module
 */
import type { AudioFrame, ConversationItem } from '@voxwire/protocol';
import type { ChatItemInput } from './conversation/input.js';
import type { RealtimeResponse } from './responses/tree.js';
import type { ResponseCreateOptions, ResponseGenerateOptions } from './responses/create-options.js';
import {
  MAX_APPEND_BYTES,
  audioFrame,
  bytesToBase64,
  pcm16ToBase64,
  g711Encode,
} from '@voxwire/protocol';
import { VoxwireError } from './errors.js';
import { floatHint, InputConverter } from './input-audio.js';
import type { AudioFormatName } from './options.js';
import { formatSampleRate } from './options.js';
import type { SessionHost } from './session-host.js';
import { checkResponseToolChoice } from './tools/tool-choice.js';

/** `session.inputAudioBuffer`. */
export interface InputAudioBufferApi {
  /**
   * Sends PCM16 audio. Frames at another rate or with more channels than the session's input
   * (24 kHz mono, or 8 kHz for G.711) are down-mixed and resampled on the way (`PcmResampler`);
   * a few input samples of such a stream wait for the next frame or `commit()`. A frame without
   * samples sends nothing. Throws `INVALID_ARGUMENT` for a malformed frame and `SESSION_CLOSED`
   * once closed.
   */
  append(frame: AudioFrame): void;
  /**
   * Sends audio already encoded in the session's input format, as is: G.711 bytes (one a sample,
   * µ-law or A-law as `inputAudioFormat` says) or PCM16 little-endian bytes at 24 kHz. For a
   * source that has the wire's bytes already (a phone line's µ-law), it spares decoding them to
   * PCM16 for `append()` to encode them again. The bytes are read in the input format in force
   * when they are sent; resampled audio `append()` still holds back goes first. Empty bytes send
   * nothing. Throws `INVALID_ARGUMENT` for a non-`Uint8Array`, an odd byte count in `pcm16`, or
   * more than an append carries (`MAX_APPEND_BYTES`), and `SESSION_CLOSED` once closed.
   */
  appendEncoded(bytes: Uint8Array): void;
  /** Commits the buffer into a user item (needed when turn detection is off); resampled audio still held back is sent first. */
  commit(): void;
  /** Drops the buffered audio (and resampled audio still held back). */
  clear(): void;
}

/** `session.conversation`: item create, truncate, delete, retrieve. Each resolves on the server's answer. */
export interface ConversationApi {
  readonly item: {
    /**
     * Adds `item` after `previousItemId` (`undefined`: at the end; `null`: at the start); resolves
     * with the server's item. Rejects with `INVALID_ARGUMENT` (malformed item) or
     * `UNSUPPORTED_CONTENT` (content the API cannot take) before sending anything.
     */
    create(item: ChatItemInput, previousItemId?: string | null): Promise<ConversationItem>;
    /**
     * Truncates assistant audio at `audioEndMs`; at 0 ms the item is deleted instead. Resolves
     * `undefined` once done. An answer a reconnect re-created as its transcript (the server
     * cannot take assistant audio back, and refuses to truncate text) is cut to the text heard
     * in its first `audioEndMs` instead, as `session.interrupt()` does: it is deleted and an
     * assistant text item holding the text heard (ending with `...`) is created in its place;
     * the promise then resolves with {@link TruncateRetold}, naming the new item. Rejects with
     * `INVALID_ARGUMENT` for bad arguments (nothing sent) and with the server's `ServerError`.
     */
    truncate(args: TruncateArgs): Promise<TruncateRetold | undefined>;
    /** Deletes an item. */
    delete(args: DeleteArgs): Promise<void>;
    /**
     * Asks the server for an item as it holds it now, and resolves with it: the only way to get
     * audio back from the server (`conversation.item.retrieved` is the one event that carries
     * it; base64 in the session's format of its direction, as on the wire). The mirror takes it
     * in too, so `chatCtxCopy()` then has the samples. Rejects with the server's `ServerError`
     * for an id it does not know, `INVALID_ARGUMENT` for a malformed id, `TIMEOUT` after
     * `requestTimeoutMs` of connected time, and `SESSION_CLOSED` once the session ends. A
     * retrieve the connection took unanswered is sent again after a reconnect.
     */
    retrieve(args: RetrieveArgs): Promise<ConversationItem>;
  };
}

/** `session.response`: `create({ onDuplicate })`, `generate()` and `cancel()`. */
export interface ResponseApi {
  /**
   * Requests a response with the seed's `onDuplicate` semantics; resolves once it is sent.
   * Every request carries a tag in `response.metadata` (`voxwire_request`), so its response is
   * known from the server's own (VAD, idle timeout) and from the app's other requests. An
   * out-of-band request (`response.conversation: 'none'`) may use at most 15 metadata pairs
   * (`INVALID_ARGUMENT` otherwise, nothing sent); a conversation request with 16 goes out
   * untagged, with a warning, and is answered by the next response that carries no tag. Rejects with `ToolError('UNKNOWN_TOOL_CHOICE')`, nothing sent, when
   * `response.tool_choice` forces a function neither the response's own `tools` nor the
   * session's have (or an MCP `server_label` none of its MCP tools has).
   */
  create(options?: ResponseCreateOptions): Promise<boolean>;
  /**
   * Requests a response and resolves with it once the server started it (`response.created`),
   * told apart from other responses by a tag in `response.metadata` (`voxwire_request`).
   * Rejects with the server's `ServerError` when it refuses the request, `RESPONSE_IN_PROGRESS`
   * when `onDuplicate: 'cancel_new'` declined it, `UNKNOWN_TOOL_CHOICE` as `create()` (nothing
   * sent), `TIMEOUT` after `requestTimeoutMs` of
   * connected time without its `response.created`, the signal's reason on abort, and
   * `SESSION_CLOSED` (or what closed the session) when the session ends first. A request the
   * connection took unanswered is sent again after the reconnect.
   */
  generate(options?: ResponseGenerateOptions): Promise<RealtimeResponse>;
  /** Cancels the response in progress (sent unconditionally, as the seed). */
  cancel(): void;
}

/** Arguments of `conversation.item.truncate`. */
export interface TruncateArgs {
  /** The assistant audio item. */
  itemId: string;
  /** The audio content part (0 for assistant audio). */
  contentIndex: number;
  /** Audio played so far, ms; 0 deletes the item instead. Fractions are floored. */
  audioEndMs: number;
}

/**
 * What `conversation.item.truncate()` resolves with when the answer was held as text (a
 * reconnect re-created it from its transcript): the answer was deleted, and the text heard took
 * its place under a new id.
 */
export interface TruncateRetold {
  /** The assistant text item that replaced the answer; `undefined` when not one whole word was heard (it was only deleted). */
  readonly retoldItemId: string | undefined;
}

/** Arguments of `conversation.item.delete`. */
export interface DeleteArgs {
  /** The item to delete. */
  itemId: string;
}

/** Arguments of `conversation.item.retrieve`. */
export interface RetrieveArgs {
  /** The item to fetch. */
  itemId: string;
}

function invalid(argument: string, message: string): never {
  throw new VoxwireError('INVALID_ARGUMENT', message, { data: { argument } });
}

/** Checks an item id. */
export function checkItemId(itemId: unknown, argument = 'itemId'): string {
  if (typeof itemId !== 'string' || itemId === '')
    invalid(argument, `${argument} must be a non-empty string`);
  return itemId;
}

/** Checks truncate arguments; returns the integer `audioEndMs`. */
export function checkTruncate(args: TruncateArgs): number {
  if (typeof args !== 'object' || args === null)
    invalid('args', 'truncate needs { itemId, contentIndex, audioEndMs }');
  checkItemId(args.itemId);
  if (!Number.isInteger(args.contentIndex) || args.contentIndex < 0)
    invalid('contentIndex', 'contentIndex must be an integer ≥ 0');
  // NaN would serialize as null and be refused by the server (livekit agents-js)
  if (
    typeof args.audioEndMs !== 'number' ||
    !Number.isFinite(args.audioEndMs) ||
    args.audioEndMs < 0
  ) {
    invalid('audioEndMs', 'audioEndMs must be a finite number ≥ 0');
  }
  return Math.floor(args.audioEndMs);
}

/**
 * An `input_audio_buffer.append` the engine built itself: `audio` is base64 it encoded and
 * `event_id` came from the id generator, so its shape holds by construction and the writer
 * serialises it without a schema run and without scanning the audio for escapes
 * (`encodeClientEvent(e, { validate: false, audioIsBase64: true })`). A class so
 * that `instanceof` tells it apart from an append a feature hands in, which is still validated,
 * and so that every append shares one hidden class. Plain data to everyone else.
 */
export class TrustedAppend {
  // declared and assigned in wire order: JSON.stringify writes own keys in insertion order, so
  // the frame is byte-identical to the one a plain `{type, event_id, audio}` object gives
  /** The event type. */
  readonly type: 'input_audio_buffer.append';
  /** The generated event id. */
  readonly event_id: string;
  /** Base64 audio, encoded by the engine. */
  readonly audio: string;
  // a private field, not an own key: the frame stays `{type, event_id, audio}` (the codec's fast
  // path checks the keys) while the replay ledger learns what the bytes are
  readonly #format: AudioFormatName;

  /**
   * @param eventId the generated event id
   * @param audio base64 encoded by the engine
   * @param format the input format `audio` is in
   */
  constructor(eventId: string, audio: string, format: AudioFormatName) {
    this.type = 'input_audio_buffer.append';
    this.event_id = eventId;
    this.audio = audio;
    this.#format = format;
  }

  /**
   * The input format the audio was encoded in. An append queued across a `sessionUpdate` that
   * changes the format keeps the one it was made in (the server reads it in that one too: the
   * update follows it on the wire).
   */
  get format(): AudioFormatName {
    return this.#format;
  }
}

/**
 * The `input_audio_buffer.append` event for `frame`: PCM16 mono at the session's input rate
 * (24 kHz, or 8 kHz for G.711, which is encoded here).
 */
export function appendEvent(
  frame: AudioFrame,
  format: AudioFormatName,
  eventId: string,
): TrustedAppend {
  if (typeof frame !== 'object' || frame === null || !(frame.data instanceof Int16Array))
    invalid('frame', `frame must be an AudioFrame with Int16Array data${floatHint(frame)}`);
  const rate = formatSampleRate(format);
  if (frame.channels !== 1 || frame.sampleRate !== rate) {
    invalid(
      'frame',
      `input audio must be mono ${rate} Hz PCM16 for ${format}, got ${frame.sampleRate} Hz × ${frame.channels}`,
    );
  }
  const bytes = format === 'pcm16' ? frame.data.byteLength : frame.data.length;
  if (bytes > MAX_APPEND_BYTES)
    invalid('frame', `frame is ${bytes} bytes; one append carries at most ${MAX_APPEND_BYTES}`);
  const audio =
    format === 'pcm16'
      ? pcm16ToBase64(frame.data)
      : bytesToBase64(g711Encode(frame.data, format === 'g711_ulaw' ? 'ulaw' : 'alaw'));
  return new TrustedAppend(eventId, audio, format);
}

/** `session.inputAudioBuffer` (a class: one per session, methods on the prototype). */
export class InputAudioBufferApiImpl implements InputAudioBufferApi {
  readonly #host: SessionHost;
  // made on the first frame that needs converting: most sessions append in the session's format
  #converter: InputConverter | undefined;

  /** @internal built by the session */
  constructor(host: SessionHost) {
    this.#host = host;
  }

  append(frame: AudioFrame): void {
    const host = this.#host;
    const format = host.state.options.inputAudioFormat;
    const rate = formatSampleRate(format);
    // the hot path: a frame already in the session's rate and channel count
    if (frame?.sampleRate === rate && frame.channels === 1) {
      // nothing to send: an append of no audio is not sent (as the resampling path never sends
      // one), only the closed session still refuses it; `length` first, so a frame with
      // samples pays no extra check
      if (frame.data?.length === 0 && frame.data instanceof Int16Array) {
        host.assertOpenable();
        return;
      }
      // a resampled stream before it holds samples back: they come first
      if (this.#converter?.holding === true) this.#flushResampled();
      host.send(appendEvent(frame, format, host.generateId('event')));
      return;
    }
    // closed: refused before the converter takes (and holds back) any of it
    host.assertOpenable();
    const converted = (this.#converter ??= new InputConverter()).convert(frame, rate);
    if (converted.length > 0)
      host.send(appendEvent(audioFrame(converted, rate), format, host.generateId('event')));
  }

  appendEncoded(bytes: Uint8Array): void {
    const host = this.#host;
    if (!(bytes instanceof Uint8Array)) invalid('bytes', 'bytes must be a Uint8Array');
    if (bytes.length === 0) {
      host.assertOpenable();
      return;
    }
    const format = host.state.options.inputAudioFormat;
    if (format === 'pcm16' && bytes.length % 2 !== 0)
      invalid('bytes', `pcm16 input takes whole 2-byte samples, got ${bytes.length} bytes`);
    if (bytes.length > MAX_APPEND_BYTES)
      invalid('bytes', `${bytes.length} bytes; one append carries at most ${MAX_APPEND_BYTES}`);
    if (this.#converter?.holding === true) this.#flushResampled();
    host.send(new TrustedAppend(host.generateId('event'), bytesToBase64(bytes), format));
  }

  commit(): void {
    this.#flushResampled();
    this.#host.send({
      type: 'input_audio_buffer.commit',
      event_id: this.#host.generateId('event'),
    });
  }

  clear(): void {
    this.#converter?.reset();
    this.#host.send({ type: 'input_audio_buffer.clear', event_id: this.#host.generateId('event') });
  }

  // the tail a resampling stream holds back belongs to the turn being committed
  #flushResampled(): void {
    const host = this.#host;
    const tail = this.#converter?.flush();
    if (tail === undefined || tail.data.length === 0) return;
    const format = host.state.options.inputAudioFormat;
    const rate = formatSampleRate(format);
    // the session's format changed under a held-back tail: it belongs to the old format, drop it
    if (tail.sampleRate !== rate) return;
    host.send(appendEvent(tail, format, host.generateId('event')));
  }
}

/** `session.conversation.item`. */
class ConversationItemApiImpl {
  readonly #host: SessionHost;

  constructor(host: SessionHost) {
    this.#host = host;
  }

  create(item: ChatItemInput, previousItemId?: string | null): Promise<ConversationItem> {
    return this.#host.calls.itemCreate(item, previousItemId);
  }

  truncate(args: TruncateArgs): Promise<TruncateRetold | undefined> {
    return this.#host.calls.itemTruncate(args);
  }

  delete(args: DeleteArgs): Promise<void> {
    return this.#host.calls.itemDelete(args);
  }

  retrieve(args: RetrieveArgs): Promise<ConversationItem> {
    return this.#host.calls.itemRetrieve(args);
  }
}

/** `session.conversation`. */
export class ConversationApiImpl implements ConversationApi {
  /** Item create, truncate, delete, retrieve. */
  readonly item: ConversationApi['item'];

  /** @internal built by the session */
  constructor(host: SessionHost) {
    this.item = new ConversationItemApiImpl(host);
  }
}

/** `session.response`. */
export class ResponseApiImpl implements ResponseApi {
  readonly #host: SessionHost;

  /** @internal built by the session */
  constructor(host: SessionHost) {
    this.#host = host;
  }

  create(options?: ResponseCreateOptions): Promise<boolean> {
    try {
      this.#checkToolChoice(options);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#host.creator.create(options);
  }

  generate(options?: ResponseGenerateOptions): Promise<RealtimeResponse> {
    try {
      this.#checkToolChoice(options);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#host.creator.generate(options);
  }

  // a forced choice of a tool the response cannot call: the server would refuse the create, and
  // its error would reach `error` apart from this call (a create() resolves once sent)
  #checkToolChoice(options: ResponseCreateOptions | undefined): void {
    checkResponseToolChoice(
      options?.response,
      this.#host.builtins.functions.tools,
      this.#host.featuresContributeUpdate(),
    );
  }

  cancel(): void {
    this.#host.creator.cancel();
  }
}
