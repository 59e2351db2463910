/**
 * A promise with its resolvers, used for every promise the engine hands out (they must settle
 * on every path, so the engine holds the resolvers).
 * @module
 */

/** A promise and the functions that settle it; `settled` tells whether one was called. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
  readonly settled: boolean;
}

/**
 * A class rather than an object of closures: three are made per response (response, output,
 * content), so their methods live once on the prototype, and the promise's resolvers are dropped
 * once it settled (a finished response kept for inspection holds no functions).
 */
class DeferredPromise<T> implements Deferred<T> {
  readonly promise: Promise<T>;
  #resolve: ((value: T) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;

  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  get settled(): boolean {
    return this.#resolve === undefined;
  }

  resolve(value: T): void {
    const resolve = this.#resolve;
    if (resolve === undefined) return;
    this.#resolve = this.#reject = undefined;
    resolve(value);
  }

  reject(error: unknown): void {
    const reject = this.#reject;
    if (reject === undefined) return;
    this.#resolve = this.#reject = undefined;
    reject(error);
  }
}

/** Creates a deferred promise. */
export function deferred<T>(): Deferred<T> {
  return new DeferredPromise<T>();
}
