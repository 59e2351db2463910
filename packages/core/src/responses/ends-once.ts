/**
 * What a response, an output and a content have in common: they end once, on any path, and
 * `done` resolves with them then. It never rejects, so the promise is only made when someone
 * asks for it.
 * @module
 */

/**
 * Ends once; `done` resolves with the part itself. Most applications follow responses through
 * the session's events and never await `done`: a response kept for inspection (16 by default,
 * each with its outputs and contents) then holds no promise and no resolver, and a streaming one
 * allocates none (PROFILE.md round 5: three pending promises per response, with their resolvers,
 * were ~0.75 KiB a response while it streamed).
 */
export abstract class EndsOnce<T> {
  #ended = false;
  #done: Promise<T> | undefined;
  #resolveDone: ((self: T) => void) | undefined;

  /**
   * Resolves with this part (response, output or content) when it ends on any path: done,
   * cancelled, failed, connection lost or session closed. Never rejects.
   */
  get done(): Promise<T> {
    return (this.#done ??= this.#ended
      ? Promise.resolve(this as unknown as T)
      : new Promise<T>((resolve) => (this.#resolveDone = resolve)));
  }

  /** Whether it has ended. */
  get isDone(): boolean {
    return this.#ended;
  }

  /** Marks it ended; `false` when it already was (ending is idempotent). */
  protected beginEnd(): boolean {
    if (this.#ended) return false;
    this.#ended = true;
    return true;
  }

  /** Resolves `done`, if anyone asked for it (after the part's own end work, so children settle first). */
  protected settleDone(): void {
    const resolve = this.#resolveDone;
    if (resolve === undefined) return;
    this.#resolveDone = undefined;
    resolve(this as unknown as T);
  }
}
