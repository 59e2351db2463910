/**
 * What `assertComplete` says about responses beyond the queued handlers never used: the
 * responses nothing scripted (the demo agent answered them, or, with `unscripted: 'fail'`,
 * nobody did) and the handlers still running (an async one awaiting a promise never settled).
 * @module
 */
import type { ResponseRequest } from './behaviour.js';

/** A response no scripted handler answered (see `FakeServer.unscriptedResponses`). */
export interface UnscriptedResponse {
  /** The response id (`resp_…`). */
  readonly responseId: string;
  /** The index of the connection it ran on. */
  readonly connection: number;
  /** What started it: a client `response.create`, the server VAD, or the idle timeout. */
  readonly trigger: ResponseRequest['trigger'];
  /** The words of the latest user turn it answered, if any. */
  readonly userText: string | undefined;
  /** Who answered it: the demo agent, or nobody (`unscripted: 'fail'`: an empty response). */
  readonly answeredBy: 'demo-agent' | 'empty';
}

interface Running {
  readonly request: ResponseRequest;
  readonly connection: number;
  readonly startedAt: number;
  readonly ended: () => boolean;
}

/** The responses of one fake server, as `assertComplete` reports them. */
export class ResponseLedger {
  readonly #unscripted: UnscriptedResponse[] = [];
  readonly #running = new Set<Running>();

  /** The responses nothing scripted, oldest first. */
  get unscripted(): readonly UnscriptedResponse[] {
    return this.#unscripted;
  }

  /** Records a response nothing scripted. */
  addUnscripted(record: UnscriptedResponse): void {
    this.#unscripted.push(record);
  }

  /**
   * A handler started; returns what to call once it returned or its promise settled.
   * @param ended whether its response is over (cancelled meanwhile), for the message
   */
  running(
    request: ResponseRequest,
    connection: number,
    startedAt: number,
    ended: () => boolean,
  ): () => void {
    const entry: Running = { request, connection, startedAt, ended };
    this.#running.add(entry);
    return () => this.#running.delete(entry);
  }

  /** One line per handler still running, for `assertComplete` (`now`: the server clock's time). */
  describeRunning(now: number): string[] {
    return [...this.#running].map(
      (r) =>
        `the response handler of ${r.request.responseId} (connection ${r.connection}, ${triggerWords(r.request.trigger)}) is still running after ${now - r.startedAt} ms${r.ended() ? ' (its response has ended since)' : ''}: it awaits a promise that has not settled; settle it (and advance) before assertComplete`,
    );
  }

  /**
   * The note of the default mode: how many responses the demo agent answered, and the first of
   * them (a long test may have many; the first is where the script and the agent parted).
   */
  noteUnscripted(): string[] {
    const [first] = this.describeUnscripted();
    if (first === undefined) return [];
    const n = this.#unscripted.length;
    return [n === 1 ? first : `${n} responses had no scripted handler; the first: ${first}`];
  }

  /** One line per unscripted response: the failures of `unscripted: 'fail'`. */
  describeUnscripted(): string[] {
    return this.#unscripted.map(
      (u) =>
        `response ${u.responseId} (connection ${u.connection}, ${triggerWords(u.trigger)}${u.userText !== undefined ? `, user said ${JSON.stringify(u.userText)}` : ''}) had no scripted handler${u.answeredBy === 'empty' ? " (unscripted: 'fail'): it was answered with an empty completed response" : ': the demo agent answered it'}`,
    );
  }
}

function triggerWords(trigger: ResponseRequest['trigger']): string {
  return trigger === 'client'
    ? 'asked for by response.create'
    : trigger === 'vad'
      ? 'started by the VAD'
      : 'started by the idle timeout';
}
