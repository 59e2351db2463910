/**
 * Item creates and deletes a side-band's old socket took unanswered, after a re-attach to the
 * session the server kept (`Connection.persistentSession`, a call). Unlike a fresh server after
 * a restore, the call's session may have applied such a request before the drop and only its
 * answer was lost. Sent again blind, the session would refuse it (a create of an id it holds, a
 * delete of one it no longer has), and the request would fail although what it asked for is
 * done. So each is probed first with a `conversation.item.retrieve`, and the probe's answer
 * decides:
 *
 * | request | the session holds the item                  | it does not (the probe is refused)     |
 * | ------- | ------------------------------------------- | -------------------------------------- |
 * | create  | applied: handled as its lost `added` answer | never arrived: sent again              |
 * | delete  | never arrived: sent again                   | applied: handled as its lost `deleted` |
 *
 * A probe's answer is consumed here: the app asked for no retrieve, and a refused probe is an
 * answer, not an error to report.
 * @module
 */
import type { ClientEvent, ServerEvent } from '@voxwire/protocol';
import type { PendingRequest } from '../requests.js';
import type { ReliabilityHost } from './reliability.js';

interface Probe {
  readonly request: PendingRequest & { readonly event: ClientEvent };
  readonly itemId: string;
}

/** The probes of one connection's re-attach, and how their answers settle the requests. */
export class ReattachProbes {
  readonly #h: ReliabilityHost;
  // probe event id → probe (a refusal names the probe's event)
  readonly #byEventId = new Map<string, Probe>();
  // item id → the probes' event ids in the order sent (a retrieved item names no event)
  readonly #byItemId = new Map<string, string[]>();

  constructor(host: ReliabilityHost) {
    this.#h = host;
  }

  /** Probes in flight. */
  get size(): number {
    return this.#byEventId.size;
  }

  /**
   * For an item create or delete: puts `request` back in flight (unsent) and returns the
   * `conversation.item.retrieve` to send in its place. `undefined` for any other request, which
   * is sent again as after any drop.
   */
  probe(request: PendingRequest): ClientEvent | undefined {
    if (request.kind !== 'item.create' && request.kind !== 'item.delete') return undefined;
    const event = request.event;
    if (event === undefined) return undefined;
    const h = this.#h;
    h.requests.put(request);
    const eventId = h.generateId('event');
    const itemId = request.key;
    this.#byEventId.set(eventId, { request: { ...request, event }, itemId });
    const ids = this.#byItemId.get(itemId);
    if (ids === undefined) this.#byItemId.set(itemId, [eventId]);
    else ids.push(eventId);
    return { type: 'conversation.item.retrieve', event_id: eventId, item_id: itemId };
  }

  /**
   * A server event while probes are out: `undefined` when it answers none of them (handle it as
   * usual), `null` when it answered one and is consumed, or the event to handle in its place —
   * the answer the drop lost.
   */
  answer(event: ServerEvent): ServerEvent | null | undefined {
    if (this.#byEventId.size === 0) return undefined;
    if (event.type === 'conversation.item.retrieved') {
      const itemId = event.item.id;
      const ids = itemId === undefined ? undefined : this.#byItemId.get(itemId);
      if (ids === undefined || itemId === undefined) return undefined;
      const probe = this.#take(ids[0]!);
      if (probe.request.kind === 'item.delete') return this.#sendAgain(probe, 'the item is there');
      this.#log(probe, 'the session had applied it');
      // where the session appended it is not said: at the end of what this side knows, unless
      // the create named its place
      const create = probe.request.event;
      const asked =
        create.type === 'conversation.item.create' ? create.previous_item_id : undefined;
      return {
        type: 'conversation.item.added',
        event_id: event.event_id,
        previous_item_id: asked ?? this.#h.mirror()?.lastId ?? null,
        item: event.item,
      } as ServerEvent;
    }
    if (event.type === 'error') {
      const eventId = event.error.event_id;
      if (typeof eventId !== 'string' || !this.#byEventId.has(eventId)) return undefined;
      const probe = this.#take(eventId);
      if (probe.request.kind === 'item.create') return this.#sendAgain(probe, 'no such item');
      // only "no such item" says the delete was applied; another refusal says nothing of it
      if (event.error.code !== 'item_not_found')
        return this.#sendAgain(probe, `the probe was refused (${String(event.error.code)})`);
      this.#log(probe, 'the session had applied it');
      return {
        type: 'conversation.item.deleted',
        event_id: event.event_id,
        item_id: probe.itemId,
      } as ServerEvent;
    }
    return undefined;
  }

  /**
   * The connection ended: no probe can be answered now. Their requests are still in flight
   * unsent, so the next re-attach takes and probes them again.
   */
  clear(): void {
    this.#byEventId.clear();
    this.#byItemId.clear();
  }

  #take(eventId: string): Probe {
    const probe = this.#byEventId.get(eventId)!;
    this.#byEventId.delete(eventId);
    const ids = this.#byItemId.get(probe.itemId)!;
    ids.splice(ids.indexOf(eventId), 1);
    if (ids.length === 0) this.#byItemId.delete(probe.itemId);
    return probe;
  }

  #sendAgain(probe: Probe, why: string): null {
    this.#log(probe, `${why}: sent again`);
    this.#h.send(probe.request.event);
    return null;
  }

  #log(probe: Probe, outcome: string): void {
    this.#h.logger.debug('re-attach probe answered', {
      ...this.#h.logFields(),
      request: probe.request.kind,
      itemId: probe.itemId,
      outcome,
    });
  }
}
