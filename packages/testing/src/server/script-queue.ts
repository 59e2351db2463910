/**
 * What a test scripted, as the fake server keeps it: queued and default response handlers, the
 * scripted transcriptions, and which handler answers a response (scripted, `behaviour`, else
 * the demo agent or, under `unscripted: 'fail'`, an empty answer). `FakeServer`'s scripting
 * methods are thin calls into it; `assertComplete()` reads what is left.
 * @module
 */
import { demoAgent, type ResponseHandler, type ResponseRequest } from './behaviour.js';
import type { FakeConnection, HeardAudio } from './connection.js';
import type { FakeServerOptions } from './fake-server-options.js';
import { ResponseLedger } from './response-ledger.js';
import { checkHandlers, checkTranscriptionTurns } from './script-arguments.js';

/** The options the script reads (those of the fake server). */
export type ScriptOptions = Pick<FakeServerOptions, 'behaviour' | 'transcribe' | 'unscripted'>;

/** The scripted responses and transcriptions of one fake server. */
export class ScriptQueue {
  /** The responses nothing scripted and the handlers still running. */
  readonly ledger = new ResponseLedger();
  readonly #queued: ResponseHandler[] = [];
  readonly #transcripts: HeardAudio[] = [];
  readonly #handlers: ResponseHandler[] = [];
  // whether the test scripted any response: only then is the demo agent's answer worth a note
  #scriptsResponses = false;

  constructor(private readonly options: ScriptOptions) {}

  /** Whether the test scripted any response (`onResponse` or `queueResponse`). */
  get scriptsResponses(): boolean {
    return this.#scriptsResponses;
  }

  /**
   * `server.onResponse`: sets the handler for responses with nothing queued; returns a function
   * that removes it.
   * @throws FakeServerOptionsError when `handler` is not a function
   */
  onResponse(handler: ResponseHandler): () => void {
    checkHandlers('onResponse', [handler]);
    this.#handlers.push(handler);
    this.#scriptsResponses = true;
    return () => {
      const i = this.#handlers.lastIndexOf(handler);
      if (i >= 0) this.#handlers.splice(i, 1);
    };
  }

  /**
   * `server.queueResponse`: one-shot handlers, used by the next responses in order.
   * @throws FakeServerOptionsError naming the first handler that is not a function; none is
   *   queued then
   */
  queueResponse(handlers: readonly ResponseHandler[]): void {
    this.#queued.push(...checkHandlers('queueResponse', handlers));
    if (handlers.length > 0) this.#scriptsResponses = true;
  }

  /**
   * `server.scriptTranscription`: what the next committed audio turns said.
   * @throws FakeServerOptionsError naming the first bad turn; none is queued then
   */
  scriptTranscription(turns: readonly (string | { fail: true })[]): void {
    this.#transcripts.push(...checkTranscriptionTurns(turns));
  }

  /**
   * The handler of a response: the next queued one, `onResponse`'s, `behaviour`; else the
   * response is recorded as unscripted and the demo agent answers it (or, under
   * `unscripted: 'fail'`, an empty completed response).
   */
  handlerFor(conn: FakeConnection, request: ResponseRequest): ResponseHandler {
    const scripted =
      this.#queued.shift() ?? this.#handlers[this.#handlers.length - 1] ?? this.options.behaviour;
    if (scripted) return scripted;
    const fail = this.options.unscripted === 'fail';
    this.ledger.addUnscripted({
      responseId: request.responseId,
      connection: conn.index,
      trigger: request.trigger,
      userText: request.userText,
      answeredBy: fail ? 'empty' : 'demo-agent',
    });
    // no output: an empty completed response, which sends the agent on no retry
    return fail ? () => undefined : demoAgent;
  }

  /** The words of a committed audio item: the next scripted turn, else `transcribe`, else `''`. */
  hear(samples: Int16Array, rate: number, itemId: string, spoken?: boolean): HeardAudio {
    // a scripted entry is what the user says in a turn; the idle timeout commits the audio
    // of a silent user (its timer stops at speech_started), which must not take the words
    // of the next spoken turn
    const scripted = spoken === false ? undefined : this.#transcripts.shift();
    if (scripted) return scripted;
    const t = this.options.transcribe?.(samples, rate, itemId);
    return t === undefined ? { text: '' } : typeof t === 'string' ? { text: t } : t;
  }

  /** The `assertComplete()` lines of the queued responses and transcriptions never used. */
  unusedLines(): string[] {
    return [
      ...(this.#queued.length ? [`${this.#queued.length} queued response(s) never used`] : []),
      ...(this.#transcripts.length
        ? [`${this.#transcripts.length} scripted transcription(s) never used`]
        : []),
    ];
  }
}
