/**
 * The session's tool-set updates: which `session.update` carries the current tools while the
 * server has not answered it, and the fall-back to the tools the server kept when it refuses one
 * (`setTools` and `sessionUpdate({ tools })`).
 * @module
 */

/** Where a session's tools live (the function-calling feature). */
export interface ToolSetHolder<TTool> {
  /** The current tools. */
  readonly tools: readonly TTool[];
  /** Replaces the tools; returns whether the server must be told (`session.update`). */
  setTools(tools: readonly TTool[]): boolean;
}

/** The tool sets one session sent, and the update that carries the last one. */
export class ToolSetUpdates<TTool> {
  readonly #holder: ToolSetHolder<TTool>;
  // The update that carries the tools set last (a setTools or sessionUpdate({ tools }) that
  // changed them), while the server has not answered it: a setTools of the same tools sends
  // nothing and settles with it, so a refusal reaches that caller too. `generation` counts the
  // tool sets sent: a refusal falls back only when no newer set replaced the refused one.
  #update: { readonly generation: number; readonly promise: Promise<unknown> } | undefined;
  #generation = 0;

  /** Follows the tool sets of `holder`. */
  constructor(holder: ToolSetHolder<TTool>) {
    this.#holder = holder;
  }

  /** The current tools. */
  get tools(): readonly TTool[] {
    return this.#holder.tools;
  }

  /** The generation of the current tool set (counts the sets the server was told of). */
  get generation(): number {
    return this.#generation;
  }

  /**
   * Replaces the tools; when the server must be told, the set is a new generation. Returns
   * whether it must.
   * @throws ToolError as the holder's `setTools`; the old set stays
   */
  replace(tools: readonly TTool[]): boolean {
    if (!this.#holder.setTools(tools)) return false;
    this.#generation += 1;
    return true;
  }

  /** The update carrying the current tool set, while the server has not answered it. */
  pending(): Promise<unknown> | undefined {
    const update = this.#update;
    return update !== undefined && update.generation === this.#generation
      ? update.promise
      : undefined;
  }

  /** Remembers `update` as the one carrying the tool set of `generation` until it settles. */
  track(generation: number, update: Promise<unknown>): void {
    const tracked = { generation, promise: update };
    this.#update = tracked;
    const clear = (): void => {
      if (this.#update === tracked) this.#update = undefined;
    };
    update.then(clear, clear);
  }

  /**
   * The server refused the update carrying the set of `generation` (or it could not be written):
   * unless a newer set replaced it meanwhile, the tools fall back to `before`, the ones the
   * server kept. That is a new set: an update still in flight for the refused one must not undo
   * a later change.
   */
  refused(generation: number, before: readonly TTool[]): void {
    if (this.#generation !== generation) return;
    this.#holder.setTools(before);
    this.#generation += 1;
  }
}
