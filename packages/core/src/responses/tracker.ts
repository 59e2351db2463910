/**
 * Builds the response tree from `response.*` server events and feeds its streams. This is the
 * hot path: one map lookup and two array indexes per delta, no closure per delta, audio decoded
 * once straight into an `Int16Array`. Finished responses are kept only up to a bound.
 * @module
 */
import type { ServerEvent, ServerEventOf } from '@voxwire/protocol';
import { VoxwireError } from '../errors.js';
import type { AudioFormatName } from '../options.js';
import { fromGaAudioFormat } from '../session-config.js';
import { copyJson } from '../json-copy.js';
import { decodeAudioDelta } from './audio-delta.js';
import { DiscardedResponses } from './discarded.js';
import type { LackedRef } from '../reconnect/lost-starts.js';
import { partText, shareTexts } from './shared-texts.js';
import type { TrackerOptions, TrackerSink } from './tracker-sink.js';
import {
  contentOf,
  RealtimeContent,
  RealtimeOutput,
  RealtimeResponse,
  type ResponseStatusDetails,
} from './tree.js';
import { unknownRef } from './unknown-ref.js';

export type { TrackerOptions, TrackerSink } from './tracker-sink.js';

// Shared by every tracker with no response in progress, and never written to: a Map keeps the
// hash table of its largest size, and a session spends most of its life between responses.
const NONE_ACTIVE: ReadonlyMap<string, RealtimeResponse> = new Map();

/** Tracks responses by id. */
export class ResponseTracker {
  #active = NONE_ACTIVE as Map<string, RealtimeResponse>;
  readonly #finished: RealtimeResponse[] = [];
  // the newest finished response with audio, kept whatever maxRetained says: the player goes on
  // playing it for seconds after it finished streaming, and a barge-in needs its audio length and
  // transcript (playback.ts, interrupt.ts, the heard text of a restore)
  #lastAudible: RealtimeResponse | undefined;
  // responses the engine ended itself (stalled): the server may still talk about them; allocated
  // on the first stall, as most sessions never have one
  #discarded: DiscardedResponses | undefined;
  readonly #o: TrackerOptions;
  readonly #sink: TrackerSink;

  /** Creates a tracker reporting to `sink`. */
  constructor(options: TrackerOptions, sink: TrackerSink) {
    this.#o = options;
    this.#sink = sink;
  }

  /** Responses in progress, oldest first. */
  get active(): RealtimeResponse[] {
    return [...this.#active.values()];
  }

  /** The most recent finished responses (at most `maxRetained`), then those in progress. */
  get all(): RealtimeResponse[] {
    return [...this.#finished, ...this.#active.values()];
  }

  /** A response by id, while it is active or retained. */
  get(id: string): RealtimeResponse | undefined {
    return this.#active.get(id) ?? this.#finished.find((r) => r.id === id);
  }

  /**
   * Content `contentIndex` of item `itemId`, while its response is active or retained;
   * `undefined` when that is not known here.
   */
  content(itemId: string, contentIndex: number): RealtimeContent | undefined {
    for (const r of this.#active.values()) {
      const c = contentOf(r, itemId, contentIndex);
      if (c !== undefined) return c;
    }
    for (let i = this.#finished.length - 1; i >= 0; i--) {
      const c = contentOf(this.#finished[i]!, itemId, contentIndex);
      if (c !== undefined) return c;
    }
    return this.#lastAudible && contentOf(this.#lastAudible, itemId, contentIndex);
  }

  /**
   * What a barge-in reads, oldest first: {@link all}, after the newest finished response with
   * audio when `maxRetainedResponses` no longer keeps it.
   */
  get forPlayback(): RealtimeResponse[] {
    const all = this.all;
    const last = this.#lastAudible;
    return last === undefined || this.#finished.includes(last) ? all : [last, ...all];
  }

  /**
   * Whole milliseconds of audio received for content `contentIndex` of item `itemId`, while its
   * response is active or retained; `undefined` when that is not known here or not audio.
   */
  receivedAudioMs(itemId: string, contentIndex: number): number | undefined {
    const c = this.content(itemId, contentIndex);
    return c?.contentType === 'audio' ? Math.floor(c.audioDurationMs) : undefined;
  }

  /** Handles a server event; returns false when it is not a response event. */
  handle(event: ServerEvent): boolean {
    const discarded = this.#discarded;
    if (discarded !== undefined && discarded.size > 0 && discarded.names(event)) return true;
    switch (event.type) {
      case 'response.created':
        this.#created(event);
        return true;
      case 'response.output_item.added':
        this.#outputAdded(event);
        return true;
      case 'response.content_part.added':
        this.#contentAdded(event);
        return true;
      case 'response.output_audio.delta': {
        const c = this.#content(event);
        if (c) this.#audioDelta(c, event.delta);
        return true;
      }
      case 'response.output_text.delta':
      case 'response.output_audio_transcript.delta': {
        const c = this.#content(event);
        if (c) {
          this.#firstToken(c.responseId);
          // a transcript follows its audio: the words of audio not handed over (a barge-in
          // cancelled the response) were never spoken, and a caption must not show them; the
          // content still records them. A text part has no audio to follow, and the server keeps
          // it whole (text cannot be truncated): it is always handed over
          const handOver =
            event.type === 'response.output_text.delta' ||
            this.#sink.silenced?.(c.responseId) !== true;
          c._text(event.delta, handOver);
          if (handOver) this.#sink.text(event.delta, c);
        }
        return true;
      }
      case 'response.output_text.done':
        this.#content(event)?._textDone(event.text);
        return true;
      case 'response.output_audio_transcript.done':
        this.#content(event)?._textDone(event.transcript);
        return true;
      case 'response.output_audio.done':
        this.#content(event)?._audioDone();
        return true;
      case 'response.content_part.done': {
        const c = this.#content(event);
        if (c && !c.isDone) {
          c._end();
          this.#sink.contentDone(c);
        }
        return true;
      }
      case 'response.function_call_arguments.delta': {
        const o = this.#output(event.response_id, event.output_index, event.type);
        if (o) o.arguments += event.delta;
        return true;
      }
      case 'response.function_call_arguments.done': {
        const o = this.#output(event.response_id, event.output_index, event.type);
        if (o) o.arguments = event.arguments;
        return true;
      }
      case 'response.output_item.done':
        this.#outputDone(event);
        return true;
      case 'response.done':
        this.#done(event);
        return true;
      default:
        return false;
    }
  }

  /**
   * Ends every response in progress with a local cause (connection lost, session closed):
   * status `failed`, details `{type:'failed', reason, error:{type:'voxwire', code}}`, every
   * stream closed, `done` resolved, and `response_done` reported. `discard`: their later events
   * are ignored (a session the server keeps may go on with them on the next connection).
   */
  abortAll(
    reason: 'connection_lost' | 'session_closed',
    error: VoxwireError,
    discard = false,
  ): void {
    for (const r of [...this.#active.values()]) {
      if (discard) (this.#discarded ??= new DiscardedResponses()).add(r.id);
      r.status = 'failed';
      r.statusDetails = {
        type: 'failed',
        reason,
        error: { type: 'voxwire', code: error.code, message: error.message },
      };
      r.localError = error;
      this.#finish(r);
    }
  }

  /**
   * Ends one response in progress locally (it stalled): status `failed`, details
   * `{type:'failed', reason, error:{type:'voxwire', code}}`, streams closed, `response_done`
   * reported. Later server events about it are ignored. Returns false when it is not active.
   */
  failLocal(id: string, reason: string, error: VoxwireError): boolean {
    const r = this.#active.get(id);
    if (!r) return false;
    r.status = 'failed';
    r.statusDetails = {
      type: 'failed',
      reason,
      error: { type: 'voxwire', code: error.code, message: error.message },
    };
    r.localError = error;
    (this.#discarded ??= new DiscardedResponses()).add(id);
    this.#finish(r);
    return true;
  }

  /**
   * What of a response event's references is not known here: the response (never heard of:
   * not in progress, not retained, not ended locally), its output `outputIndex`, or that
   * output's part `contentIndex`; `undefined` when all are known, or the response is finished
   * or was ended locally (its late events are handled as such). See `lost-starts.ts`.
   */
  lacks(responseId: string, outputIndex?: number, contentIndex?: number): LackedRef {
    const r = this.#active.get(responseId);
    if (r === undefined)
      return this.#discarded?.has(responseId) === true ||
        this.#finished.some((f) => f.id === responseId)
        ? undefined
        : 'response';
    if (outputIndex === undefined) return undefined;
    const o = r.output[outputIndex];
    if (o === undefined) return 'output';
    return contentIndex !== undefined && o.content[contentIndex] === undefined
      ? 'content'
      : undefined;
  }

  /** Forgets the ids of locally ended responses (a new connection never names them). */
  forgetDiscarded(): void {
    this.#discarded?.clear();
  }

  /** Responses in progress (allocation-free: read once per server event). */
  get activeCount(): number {
    return this.#active.size;
  }

  /** Sizes of the retained structures (for leak checks). */
  get sizes(): { active: number; finished: number; discarded: number } {
    return {
      active: this.#active.size,
      finished: this.#finished.length,
      discarded: this.#discarded?.size ?? 0,
    };
  }

  #created(event: ServerEventOf<'response.created'>): void {
    const id = event.response.id;
    if (id === undefined || this.#active.has(id)) {
      this.#sink.violation(
        unknownRef(
          event.type,
          id === undefined
            ? 'response.created without response.id'
            : `response ${id} created twice`,
        ),
      );
      return;
    }
    // the tree's own copy: the event is read again after the app's listeners ran
    const r = new RealtimeResponse(id, copyJson(event.response), this.#o.clock.now());
    if (event.response.status) r.status = event.response.status;
    if (this.#active === NONE_ACTIVE) this.#active = new Map();
    this.#active.set(id, r);
    this.#sink.created(r);
  }

  #outputAdded(event: ServerEventOf<'response.output_item.added'>): void {
    const r = this.#active.get(event.response_id);
    if (!r)
      return this.#sink.violation(unknownRef(event.type, `unknown response ${event.response_id}`));
    const o = new RealtimeOutput(
      r.id,
      event.item.id ?? '',
      event.output_index,
      copyJson(event.item),
    );
    r.output[event.output_index] = o;
    this.#sink.outputAdded(o);
  }

  #contentAdded(event: ServerEventOf<'response.content_part.added'>): void {
    const o = this.#output(event.response_id, event.output_index, event.type);
    if (!o) return;
    // reordered after its output_item.done: a finished output takes no more parts (nothing would
    // end this one), as a finished response takes no more outputs
    if (o.isDone)
      return this.#sink.violation(
        new VoxwireError(
          'PROTOCOL_VIOLATION',
          `${event.type}: content ${event.content_index} of output ${event.output_index} of response ${event.response_id} after the output was done`,
          { data: { type: event.type, reason: 'after_done' } },
        ),
      );
    const partType = event.part.type;
    const audio = partType === 'audio' || partType === 'output_audio';
    const c = new RealtimeContent(
      o.responseId,
      event.item_id,
      event.output_index,
      event.content_index,
      audio ? 'audio' : 'text',
      this.#o.audioRetention,
      this.#formatOf(o.responseId),
      this.#o.streams,
    );
    o.content[event.content_index] = c;
    this.#sink.contentAdded(c);
  }

  // the format the response says it is produced in (GA `response.created` names it), else the
  // one the server last confirmed for the session
  #formatOf(responseId: string): AudioFormatName {
    const resource = this.#active.get(responseId)?.resource;
    return fromGaAudioFormat(resource?.audio?.output?.format, this.#o.outputFormat());
  }

  #audioDelta(c: RealtimeContent, delta: string): void {
    const r = this.#active.get(c.responseId);
    if (r !== undefined && r.firstAudioAt === undefined) {
      const now = this.#o.clock.now();
      r.firstAudioAt = now;
      if (r.firstTokenAt === undefined) r.firstTokenAt = now;
    }
    const frame = decodeAudioDelta(delta, c.audioFormat, c.sampleRate);
    // received either way (what a truncate is capped by, what a transcript is cut in proportion
    // to), but audio of a response a barge-in cancelled is not handed over to be played
    const handOver = this.#sink.silenced?.(c.responseId) !== true;
    c._audio(frame, handOver);
    if (handOver) this.#sink.audio(frame, c);
  }

  #firstToken(responseId: string): void {
    const r = this.#active.get(responseId);
    if (r && r.firstTokenAt === undefined) r.firstTokenAt = this.#o.clock.now();
  }

  #output(responseId: string, outputIndex: number, type: string): RealtimeOutput | undefined {
    const o = this.#active.get(responseId)?.output[outputIndex];
    if (!o)
      this.#sink.violation(
        unknownRef(type, `unknown output ${outputIndex} of response ${responseId}`),
      );
    return o;
  }

  #content(event: {
    type: string;
    response_id: string;
    output_index: number;
    content_index: number;
  }): RealtimeContent | undefined {
    const c = this.#active.get(event.response_id)?.output[event.output_index]?.content[
      event.content_index
    ];
    if (!c) {
      this.#sink.violation(
        unknownRef(
          event.type,
          `unknown content ${event.content_index} of output ${event.output_index} of response ${event.response_id}`,
        ),
      );
    }
    return c;
  }

  #outputDone(event: ServerEventOf<'response.output_item.done'>): void {
    const o = this.#output(event.response_id, event.output_index, event.type);
    if (!o || o.isDone) return;
    o.item = copyJson(event.item);
    // contents the server never closed explicitly end with their item
    for (const c of o.content) {
      if (!c) continue;
      // adopt the item's string when it is the same text (the mirror keeps that one)
      const text = partText(o.item, c.contentIndex);
      if (text === c.text) c.text = text;
      if (!c.isDone) {
        c._end();
        this.#sink.contentDone(c);
      }
    }
    o._end();
    this.#sink.outputDone(o);
  }

  #done(event: ServerEventOf<'response.done'>): void {
    const id = event.response.id ?? '';
    const r = this.#active.get(id);
    if (!r) return this.#sink.violation(unknownRef(event.type, `unknown response ${id}`));
    r.resource = copyJson(event.response);
    r.status = event.response.status ?? 'completed';
    r.statusDetails =
      (event.response.status_details as ResponseStatusDetails | null | undefined) ?? null;
    r.usage = event.response.usage ?? null;
    const final = r.resource.output;
    for (const o of r.output) {
      if (!o) continue;
      // the final form of each item is in the resource: keep that one object, not a second copy
      // (with its transcript) from output_item.done, for as long as the response is retained
      const item = final?.[o.outputIndex];
      if (item !== undefined && item.id === o.itemId && item.type === o.item.type) {
        shareTexts(item, o);
        o.item = item;
      }
    }
    this.#finish(r);
  }

  /**
   * Ends `r` on any path (its `response.done`, a lost socket, a stall, the close). Contents and
   * outputs still open end first, each with its done event, so that every `*_added` an app saw
   * is paired with its `*_done`, in the documented order, before `response_done`.
   */
  #finish(r: RealtimeResponse): void {
    for (const o of r.output) {
      if (!o || o.isDone) continue;
      for (const c of o.content) {
        if (c && !c.isDone) {
          c._end();
          this.#sink.contentDone(c);
        }
      }
      o._end();
      this.#sink.outputDone(o);
    }
    if (this.#active.delete(r.id) && this.#active.size === 0)
      this.#active = NONE_ACTIVE as Map<string, RealtimeResponse>;
    r._end(this.#o.clock.now());
    this.#finished.push(r);
    if (hasAudio(r)) this.#lastAudible = r;
    // finished responses are kept only up to the bound, so hour-long sessions stay flat
    while (this.#finished.length > this.#o.maxRetained) this.#finished.shift();
    this.#sink.done(r);
  }
}

function hasAudio(r: RealtimeResponse): boolean {
  return r.output.some((o) =>
    o?.content.some((c) => c?.contentType === 'audio' && c.audioSamples > 0),
  );
}
