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
 * The drop can also lose the events of an item the session added meanwhile (an answer cut with
 * the socket, or given whole while it was down). No event lists a conversation, but the next
 * item the session adds names it as its `previous_item_id`: that item is retrieved then, and
 * put back in the mirror right before the item that named it.
 *
 * A side-band's first attach meets the same two things without any drop: the call's session
 * holds items from before the attach, and may be answering a caller who spoke before the socket
 * was up. So the probes are made then already: the item an added item names is retrieved, and a
 * response heard from the middle is adopted (`lost-starts.ts`).
 *
 * A probe's answer is consumed here: the app asked for no retrieve, and a refused probe is an
 * answer, not an error to report.
 * @module
 */
import type { ClientEvent, ServerEvent } from '@voxwire/protocol';
import { ROOT_ITEM_ID } from '../conversation/linked-items.js';
import type { PendingRequest } from '../requests.js';
import { lostStarts } from './lost-starts.js';
import type { ReliabilityHost } from './reliability.js';

/**
 * The `event_id` of the `conversation.item.added` a healed gap is handled as: an item the session
 * added while the side-band was down, retrieved. A completed function call among them is answered
 * (`features/function-calling.ts`): nothing else would.
 */
export const HEALED_ITEM_EVENT_ID = 'voxwire_healed';

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
  // unknown item id → the retrieve sent for it, and the item that named it (made on first use)
  #gaps: Map<string, { readonly eventId: string; readonly before: string }> | undefined;
  // the outputs of responses adopted from the middle (`lostStarts`), made on first use
  #adopted: Set<string> | undefined;

  constructor(host: ReliabilityHost) {
    this.#h = host;
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
    switch (event.type) {
      case 'conversation.item.added':
      case 'conversation.item.created':
      case 'conversation.item.done':
        this.#gap(event.previous_item_id, event.item.id);
        return undefined;
      case 'conversation.item.retrieved':
      case 'error':
        break;
      default:
        return undefined;
    }
    const gap = this.#gapAnswer(event);
    if (gap !== undefined) return gap;
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
      };
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
      };
    }
    return undefined;
  }

  /**
   * The starts of a response (`lost-starts.ts`) that `event` needs handled before it: the
   * call's session went on answering while the socket was down, or began before the first
   * attach, and this side heard only the rest.
   */
  lostStarts(event: ServerEvent): ServerEvent[] | undefined {
    const tracker = this.#h.tracker;
    const found = lostStarts(event, (r, o, c) => tracker.lacks(r, o, c));
    if (found === undefined) return undefined;
    // an output whose start was not heard: its conversation.item.added was not either, so the
    // mirror does not hold its item (expected: `unheard`)
    for (const start of found)
      if (start.type === 'response.output_item.added' && start.item.id !== undefined)
        (this.#adopted ??= new Set()).add(start.item.id);
    this.#h.logger.info(
      'side-band: adopting a response whose start it did not hear (lost with a drop, or begun before the attach)',
      {
        ...this.#h.logFields(),
        eventType: event.type,
        made: found.map((e) => e.type),
      },
    );
    return found;
  }

  /**
   * Whether `itemId` is an item this side knows it did not hear added: a gap's retrieve for it
   * is out, or it is an output of a response adopted from the middle. The mirror lacking it is
   * expected then, not an anomaly.
   */
  unheard(itemId: string): boolean {
    return this.#gaps?.has(itemId) === true || this.#adopted?.has(itemId) === true;
  }

  /**
   * The connection ended: no probe can be answered now. Their requests are still in flight
   * unsent, so the next re-attach takes and probes them again.
   */
  clear(): void {
    this.#byEventId.clear();
    this.#byItemId.clear();
    this.#gaps = undefined;
    this.#adopted = undefined;
  }

  // an item the session added names a predecessor this side never heard of (a drop lost its
  // events, or it came before the first attach): retrieve it (once)
  #gap(previousId: string | null | undefined, itemId: string | undefined): void {
    if (previousId == null || previousId === ROOT_ITEM_ID || itemId === undefined) return;
    const mirror = this.#h.mirror();
    if (mirror === undefined || mirror.has(previousId) || this.#gaps?.has(previousId)) return;
    const eventId = this.#h.generateId('event');
    (this.#gaps ??= new Map()).set(previousId, { eventId, before: itemId });
    this.#h.logger.debug(
      'side-band: retrieving an item it never heard of (lost with a drop, or added before the attach)',
      {
        ...this.#h.logFields(),
        itemId: previousId,
        namedBy: itemId,
      },
    );
    this.#h.send({ type: 'conversation.item.retrieve', event_id: eventId, item_id: previousId });
  }

  // the answer to a gap's retrieve: the item, put right before the item that named it; or a
  // refusal (the item is gone since), consumed
  #gapAnswer(event: ServerEvent): ServerEvent | null | undefined {
    const gaps = this.#gaps;
    if (gaps === undefined) return undefined;
    if (event.type === 'conversation.item.retrieved') {
      const itemId = event.item.id;
      const gap = itemId === undefined ? undefined : gaps.get(itemId);
      if (gap === undefined || itemId === undefined) return undefined;
      gaps.delete(itemId);
      const mirror = this.#h.mirror();
      if (mirror === undefined || mirror.has(itemId)) return null;
      const before = mirror.previousId(gap.before);
      return {
        type: 'conversation.item.added',
        event_id: HEALED_ITEM_EVENT_ID,
        previous_item_id: before === undefined ? mirror.lastId : before,
        item: event.item,
      };
    }
    if (event.type === 'error') {
      const eventId = event.error.event_id;
      for (const [itemId, gap] of gaps) {
        if (gap.eventId !== eventId) continue;
        gaps.delete(itemId);
        return null;
      }
    }
    return undefined;
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
