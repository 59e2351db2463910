/**
 * One response, from `response.created` to `rate_limits.updated`, in the exact order of
 * protocol.md §7.4, paced on the injected clock. Cancellation (client or VAD) still emits the
 * done events of the parts in progress, then `response.done` with status `cancelled`, at once.
 * @module
 */
import type { Clock } from '@voxwire/protocol';
import { bytesToBase64 } from '@voxwire/protocol';
import { encodeSamples, sampleRateOf, synthesizeSpeech } from './audio-codec.js';
import type { PlannedEnding, PlannedOutput } from './behaviour.js';
import type { Conversation } from './conversation.js';
import type { ResponsePacing } from './response-pacing.js';
import { TOKENS, tokensOf, usageOf } from './tokens.js';
import type { JsonObject, WireEvent } from './wire.js';

/** Everything a run needs from its connection. */
export interface RunHost {
  readonly clock: Clock;
  readonly conversation: Conversation;
  emit(event: WireEvent): void;
  newId(prefix: string): string;
  /** Called once, after `response.done` and `rate_limits.updated`. */
  finished(run: ResponseRun): void;
  /**
   * A media connection's (WebRTC) output buffer: given, the audio generated goes there, where a
   * `response.output_audio.delta` would have gone out, and no delta is sent.
   * @default undefined (the audio goes out in deltas)
   */
  play?: ((itemId: string, samples: number, sampleRate: number) => void) | undefined;
}

/** A response being produced. */
export class ResponseRun {
  readonly id: string;
  readonly outOfBand: boolean;
  #cancelled: 'client_cancelled' | 'turn_detected' | undefined;
  #wake: (() => void) | undefined;
  readonly #output: JsonObject[] = [];
  #outTextTokens = 0;
  #outAudioTokens = 0;
  #done = false;
  // the output reached the response's max_output_tokens: it ends incomplete
  #truncated = false;
  // emits the done events of the output part being streamed and finishes its item: set while a
  // part streams, so that a cancel can end the response at the instant it arrives
  #closePart: (() => void) | undefined;

  constructor(
    private readonly host: RunHost,
    private readonly base: JsonObject,
    private readonly inputTokens: { text: number; audio: number },
    private readonly pacing: ResponsePacing,
    private readonly outputFormat: string,
  ) {
    this.id = String(base['id']);
    this.outOfBand = base['conversation_id'] === undefined;
  }

  /** Whether `response.done` went out. */
  get done(): boolean {
    return this.#done;
  }

  /** Emits `response.created`. */
  start(): void {
    this.host.emit({
      type: 'response.created',
      response: {
        ...this.base,
        status: 'in_progress',
        status_details: null,
        output: [],
        usage: null,
      },
    });
  }

  /**
   * Cancels, and ends the response at once: the done events of the part in progress (if any),
   * then `response.done`. The real server cancels when speech starts (protocol.md §7.5), so its
   * `response.done` precedes that turn's `speech_stopped` and commit even when the client sent
   * the whole turn in one go; the paced loop, woken, finds the response over and stops. Returns
   * false if already over.
   */
  cancel(reason: 'client_cancelled' | 'turn_detected'): boolean {
    if (this.#done || this.#cancelled) return false;
    this.#cancelled = reason;
    const close = this.#closePart;
    this.#closePart = undefined;
    close?.();
    this.finish(undefined);
    this.#wake?.();
    return true;
  }

  /** Produces the planned outputs, then finishes. */
  async produce(
    outputs: readonly PlannedOutput[],
    ending: PlannedEnding | undefined,
  ): Promise<void> {
    // cancelled while the handler was pending: it already ended, with nothing produced
    if (this.#done) return;
    if (!this.#cancelled) await this.#sleep(this.pacing.firstOutputDelayMs ?? 0);
    for (const [index, out] of outputs.entries()) {
      if (this.#cancelled || this.#truncated) break;
      if (out.kind === 'function_call') await this.#functionCall(index, out);
      else await this.#message(index, out);
    }
    this.finish(
      this.#cancelled
        ? undefined
        : this.#truncated
          ? { status: 'incomplete', reason: 'max_output_tokens' }
          : ending,
    );
  }

  // the output tokens the response may still produce before its max_output_tokens (the parts
  // already finished counted; Infinity without a limit): a part stops where it would go past
  // it, so `usage.output_tokens` never exceeds the limit (§4.5)
  #tokensLeft(): number {
    const max = this.base['max_output_tokens'];
    return typeof max === 'number' ? max - this.#outTextTokens - this.#outAudioTokens : Infinity;
  }

  /** Emits `response.done` (and `rate_limits.updated`) now. */
  finish(ending: PlannedEnding | undefined): void {
    if (this.#done) return;
    this.#done = true;
    const status = this.#cancelled ? 'cancelled' : (ending?.status ?? 'completed');
    const statusDetails = this.#cancelled
      ? { type: 'cancelled', reason: this.#cancelled }
      : ending?.status === 'failed'
        ? { type: 'failed', error: { ...ending.error } }
        : ending?.status === 'incomplete'
          ? { type: 'incomplete', reason: ending.reason }
          : null;
    const usage = usageOf(this.inputTokens, {
      text: this.#outTextTokens,
      audio: this.#outAudioTokens,
    });
    this.host.emit({
      type: 'response.done',
      response: {
        ...this.base,
        status,
        status_details: statusDetails,
        output: this.#output,
        usage,
      },
    });
    this.host.finished(this);
  }

  /** Total tokens of the finished response (for the rate-limit budget). */
  get totalTokens(): number {
    return (
      this.inputTokens.text + this.inputTokens.audio + this.#outTextTokens + this.#outAudioTokens
    );
  }

  #common(index: number, itemId: string): JsonObject {
    return { response_id: this.id, item_id: itemId, output_index: index };
  }

  #addItem(index: number, item: JsonObject, audio?: Int16Array): void {
    this.host.emit({
      type: 'response.output_item.added',
      response_id: this.id,
      output_index: index,
      item: { ...item },
    });
    if (this.outOfBand) return;
    const res = this.host.conversation.insert({
      item: { ...item },
      audio,
      sampleRate: sampleRateOf(this.outputFormat),
    });
    const previous = res ? res.previousItemId : null;
    this.host.emit({
      type: 'conversation.item.added',
      previous_item_id: previous,
      item: { ...item },
    });
  }

  #finishItem(index: number, generated: JsonObject, audio?: Int16Array): void {
    let item = generated;
    if (!this.outOfBand) {
      const stored = this.host.conversation.get(String(item['id']));
      if (stored?.truncated) {
        // truncated while streaming: the server keeps only what the client said was heard, and
        // its done events carry the item as kept (as conversation.item.retrieved shows it), not
        // the transcript the truncate deleted (§7.7)
        item = { ...item, content: [{ type: 'output_audio', transcript: '' }] };
        stored.item = { ...item };
      } else if (stored) {
        stored.item = { ...item };
        stored.audio = audio;
      }
      this.host.emit({
        type: 'conversation.item.done',
        previous_item_id: this.host.conversation.previousOf(String(item['id'])),
        item: { ...item },
      });
    }
    this.host.emit({
      type: 'response.output_item.done',
      response_id: this.id,
      output_index: index,
      item: { ...item },
    });
    this.#output.push({ ...item });
  }

  async #message(
    index: number,
    out: Extract<PlannedOutput, { kind: 'audio' | 'text' }>,
  ): Promise<void> {
    const itemId = this.host.newId('item');
    const item: JsonObject = {
      id: itemId,
      type: 'message',
      status: 'in_progress',
      role: 'assistant',
      content: [],
    };
    this.#addItem(index, item);
    const c = { ...this.#common(index, itemId), content_index: 0 };
    if (out.kind === 'text') {
      this.host.emit({
        type: 'response.content_part.added',
        ...c,
        part: { type: 'text', text: '' },
      });
      let sent = '';
      const close = this.#streaming(() => {
        this.#outTextTokens += tokensOf(sent);
        this.host.emit({ type: 'response.output_text.done', ...c, text: sent });
        this.host.emit({
          type: 'response.content_part.done',
          ...c,
          part: { type: 'text', text: sent },
        });
        this.#finishItem(index, {
          ...item,
          status: this.#cancelled || this.#truncated ? 'incomplete' : 'completed',
          content: [{ type: 'output_text', text: sent }],
        });
      });
      for (const piece of out.text.match(/\S+\s*|\s+/g) ?? []) {
        if (this.#cancelled) break;
        // the limit cuts the answer where it is reached (protocol.md §4.7: incomplete)
        const delta = piece.slice(0, this.#charsLeft(sent));
        if (delta) {
          this.host.emit({ type: 'response.output_text.delta', ...c, delta });
          sent += delta;
        }
        if (delta.length < piece.length) {
          this.#truncated = true;
          break;
        }
        await this.#sleep(this.pacing.textDeltaIntervalMs ?? 0);
      }
      close();
      return;
    }
    const rate = sampleRateOf(this.outputFormat);
    const samples = synthesizeSpeech(out.transcript, {
      sampleRate: rate,
      msPerChar: this.pacing.msPerChar ?? 60,
    });
    this.host.emit({
      type: 'response.content_part.added',
      ...c,
      part: { type: 'audio', transcript: '' },
    });
    const chunkMs = Math.max(10, this.pacing.audioChunkMs ?? 100);
    const perChunk = Math.round((chunkMs * rate) / 1000);
    const chunks = Math.max(1, Math.ceil(samples.length / perChunk));
    let sentSamples = 0;
    let sentText = '';
    const close = this.#streaming(() => {
      const audioMs = Math.round((sentSamples * 1000) / rate);
      this.#outAudioTokens += Math.ceil(audioMs / TOKENS.outputAudioMsPerToken);
      this.host.emit({ type: 'response.output_audio.done', ...c });
      this.host.emit({
        type: 'response.output_audio_transcript.done',
        ...c,
        transcript: sentText,
      });
      this.host.emit({
        type: 'response.content_part.done',
        ...c,
        part: { type: 'audio', transcript: sentText },
      });
      this.#finishItem(
        index,
        {
          ...item,
          status: this.#cancelled || this.#truncated ? 'incomplete' : 'completed',
          content: [{ type: 'output_audio', transcript: sentText }],
        },
        samples.slice(0, sentSamples),
      );
    });
    // the samples the limit leaves this part: whole 50 ms tokens (§4.5)
    const maxSamples = Math.min(
      samples.length,
      Math.floor((this.#tokensLeft() * TOKENS.outputAudioMsPerToken * rate) / 1000),
    );
    for (let k = 0; k < chunks; k++) {
      if (this.#cancelled) break;
      const end = Math.min(maxSamples, (k + 1) * perChunk);
      if (end <= k * perChunk && maxSamples < samples.length) {
        this.#truncated = true;
        break;
      }
      // the transcript keeps pace with the chunks sent, and with the samples of one the limit cut
      const cut = end < Math.min(samples.length, (k + 1) * perChunk);
      const upto = cut
        ? Math.round((out.transcript.length * end) / samples.length)
        : Math.round((out.transcript.length * (k + 1)) / chunks);
      const delta = out.transcript.slice(sentText.length, upto);
      if (delta) {
        this.host.emit({ type: 'response.output_audio_transcript.delta', ...c, delta });
        sentText += delta;
      }
      const chunk = samples.subarray(k * perChunk, end);
      if (this.host.play) this.host.play(itemId, chunk.length, rate);
      else
        this.host.emit({
          type: 'response.output_audio.delta',
          ...c,
          delta: bytesToBase64(encodeSamples(chunk, this.outputFormat)),
        });
      if (sentSamples === 0 && !this.outOfBand) this.host.conversation.noteAssistantAudio();
      sentSamples += chunk.length;
      this.#keepStreamedAudio(itemId, samples, sentSamples);
      if (sentSamples >= maxSamples && maxSamples < samples.length) {
        this.#truncated = true;
        break;
      }
      await this.#sleep(((chunk.length * 1000) / rate) * (this.pacing.realtimeFactor ?? 0));
    }
    close();
  }

  // The audio sent so far belongs to the item at once, as on the real server, which truncates
  // an answer still streaming (the usual barge-in: response.cancel and conversation.item.truncate
  // sent together) and refuses only one with no audio yet (livekit/agents#6157).
  #keepStreamedAudio(itemId: string, samples: Int16Array, sent: number): void {
    if (this.outOfBand) return;
    const stored = this.host.conversation.get(itemId);
    if (stored && !stored.truncated) stored.audio = samples.subarray(0, sent);
  }

  async #functionCall(
    index: number,
    out: Extract<PlannedOutput, { kind: 'function_call' }>,
  ): Promise<void> {
    const itemId = this.host.newId('item');
    const callId = out.callId ?? this.host.newId('call');
    const item: JsonObject = {
      id: itemId,
      type: 'function_call',
      status: 'in_progress',
      call_id: callId,
      name: out.name,
      arguments: '',
    };
    this.#addItem(index, item);
    const c = { ...this.#common(index, itemId), call_id: callId };
    let sent = '';
    const close = this.#streaming(() => {
      // a name longer than the limit leaves is not counted past it
      this.#outTextTokens += Math.min(
        tokensOf(sent) + tokensOf(out.name),
        Math.max(0, this.#tokensLeft()),
      );
      this.host.emit({
        type: 'response.function_call_arguments.done',
        ...c,
        name: out.name,
        arguments: sent,
      });
      this.#finishItem(index, {
        ...item,
        status: this.#cancelled || this.#truncated ? 'incomplete' : 'completed',
        arguments: sent,
      });
    });
    for (let i = 0; i < out.arguments.length; i += 8) {
      if (this.#cancelled) break;
      const piece = out.arguments.slice(i, i + 8);
      // the name counts as output too (see close above)
      const delta = piece.slice(0, this.#charsLeft(sent, tokensOf(out.name)));
      if (delta) {
        this.host.emit({ type: 'response.function_call_arguments.delta', ...c, delta });
        sent += delta;
      }
      if (delta.length < piece.length) {
        this.#truncated = true;
        break;
      }
      await this.#sleep(this.pacing.textDeltaIntervalMs ?? 0);
    }
    close();
  }

  // How many more characters a text part that has sent `sent` may send (4 per token) before
  // the limit; `reserved` tokens of the part are counted apart (a function call's name).
  #charsLeft(sent: string, reserved = 0): number {
    const left = this.#tokensLeft() - reserved;
    return left === Infinity ? Infinity : Math.max(0, left * TOKENS.charsPerToken - sent.length);
  }

  // Registers the closing of the part now streaming (see #closePart) and returns it, to be
  // called once: by the part's loop when it ends, or by cancel() (then the loop's call is a no-op).
  #streaming(closeOnce: () => void): () => void {
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      if (this.#closePart === close) this.#closePart = undefined;
      closeOnce();
    };
    this.#closePart = close;
    return close;
  }

  #sleep(ms: number): Promise<void> | undefined {
    if (!(ms > 0) || this.#cancelled) return undefined;
    return new Promise<void>((resolve) => {
      const id = this.host.clock.setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, ms);
      this.#wake = () => {
        this.host.clock.clearTimeout(id);
        this.#wake = undefined;
        resolve();
      };
    });
  }
}
