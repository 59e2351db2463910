/**
 * The conversation creates waiting their turn in `create-in-turn.ts` (behind a response in
 * progress, a create not answered yet, or the creates a drop took): `session.responseRequested`
 * counts them, as a hang-up must wait for a response asked for while another still plays.
 * @module
 */
import type { ResponseCreateParams } from '@voxwire/protocol';
import { requestTag, type AwaitedResponses } from './awaited.js';
import type { PerResponseTools } from './per-response-tools.js';

/** One create waiting its turn. */
interface Waiting {
  /** What its `response.create` will carry. */
  readonly params: ResponseCreateParams | undefined;
  /** Whether no interruption came since it was asked for (a stale one may not be sent). */
  readonly fresh: () => boolean;
}

/** The creates of one session waiting their turn; the creator makes it on the first. */
export class WaitingTurn {
  readonly #waiting = new Set<Waiting>();

  /**
   * A create carrying `params` starts waiting its turn. Returns what ends the wait (its turn came,
   * or the wait failed); calling it again does nothing.
   */
  enter(params: ResponseCreateParams | undefined, fresh: () => boolean): () => void {
    const waiting: Waiting = { params, fresh };
    this.#waiting.add(waiting);
    return () => void this.#waiting.delete(waiting);
  }

  /**
   * Whether one of them will be sent when its turn comes, as `sent` tells: an aborted
   * `generate()` request, or a plain create an interruption made stale, will not.
   */
  some(sent: (params: ResponseCreateParams | undefined, fresh: boolean) => boolean): boolean {
    for (const waiting of this.#waiting) if (sent(waiting.params, waiting.fresh())) return true;
    return false;
  }

  /** The session closed: none of them will be sent (each fails its turn on the closed session). */
  clear(): void {
    this.#waiting.clear();
  }
}

/**
 * Whether the create carrying `params` is still to be sent: not one of a `generate()` request
 * aborted meanwhile (a plain create's own tag has no waiter, and an untagged one has none either),
 * nor, once an interruption made it stale (`fresh` false), a plain create (only a `generate()`
 * request's is sent then, its response cancelled on start: `stale-creates.ts`).
 */
export function stillWanted(
  params: ResponseCreateParams | undefined,
  awaited: AwaitedResponses | undefined,
  tools: PerResponseTools,
  fresh = true,
): boolean {
  const tag = params === undefined ? undefined : requestTag(params.metadata);
  const waitedFor = tag !== undefined && awaited?.has(tag) === true;
  if (!fresh) return waitedFor;
  return tag === undefined || waitedFor || tools.ownTagged(params!);
}
