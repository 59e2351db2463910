/**
 * The ids of responses the engine ended itself (a stall): the server may still send events about
 * them, which must be ignored rather than reported as unknown. Bounded: only recent ones matter.
 * @module
 */
import type { ServerEvent } from '@voxwire/protocol';

/** How many ids of responses ended locally are remembered, so their late events are ignored. */
const DISCARDED_IDS = 64;

/** The recent responses ended locally. */
export class DiscardedResponses {
  readonly #ids = new Set<string>();

  /** How many are remembered. */
  get size(): number {
    return this.#ids.size;
  }

  /** Remembers `id` (forgetting the oldest beyond the bound). */
  add(id: string): void {
    const ids = this.#ids;
    ids.add(id);
    if (ids.size > DISCARDED_IDS) ids.delete(ids.values().next().value as string);
  }

  /** Whether `id` is one of them. */
  has(id: string): boolean {
    return this.#ids.has(id);
  }

  /** Whether `event` is about one of them. */
  names(event: ServerEvent): boolean {
    const e = event as { response_id?: unknown; response?: { id?: unknown } };
    const id =
      typeof e.response_id === 'string'
        ? e.response_id
        : event.type === 'response.done' || event.type === 'response.created'
          ? e.response?.id
          : undefined;
    return typeof id === 'string' && this.#ids.has(id);
  }

  /** Forgets them all (a new connection never names them). */
  clear(): void {
    this.#ids.clear();
  }
}
