/**
 * The session's acknowledged requests: `session.update` and the conversation item verbs
 * (create, truncate, delete). Each builds its client event, registers it with the request table
 * (which settles it on the server's echo, its `error`, a timeout or the session's end) and sends
 * it through the outbox.
 * @module
 */
import type { ClientEvent, ConversationItem, Dialect, IdGenerator } from '@voxwire/protocol';
import { toChatItem, type ChatItemInput } from './conversation/input.js';
import { withInFlightChanges, type InFlightItemChange } from './conversation/in-flight.js';
import { chatItemToWireItem } from './conversation/items.js';
import { ROOT_ITEM_ID, type ConversationMirror } from './conversation/mirror.js';
import { cutInMirror } from './interrupt-cut.js';
import { heldAsText, retellHeard } from './interrupt-retell.js';
import { itemAudioEncoder } from './features/conversation.js';
import type { SessionFeature, SessionUpdateContext } from './feature.js';
import type { RealtimeSessionOptions } from './options.js';
import type { PendingRequests, RequestKind } from './requests.js';
import type { RealtimeContent } from './responses/tree.js';
import {
  checkItemId,
  checkTruncate,
  type DeleteArgs,
  type RetrieveArgs,
  type TruncateArgs,
  type TruncateRetold,
} from './session-api.js';
import { toSessionUpdate } from './session-config.js';

// the restore's update carries the last confirmed configuration; every other one the current
const UPDATE: SessionUpdateContext = Object.freeze({ restore: false });
const RESTORE: SessionUpdateContext = Object.freeze({ restore: true });

/** What {@link SessionRequests} needs from the session. */
export interface SessionRequestsDeps {
  readonly requests: PendingRequests;
  readonly generateId: IdGenerator;
  /** The current session options. */
  readonly options: () => RealtimeSessionOptions;
  /** The server's default instructions (its `session.created`), once known. */
  readonly defaultInstructions: () => string | undefined;
  /** The installed features (they contribute to every `session.update`). */
  readonly features: readonly SessionFeature[];
  /** Throws `SESSION_CLOSED` once the session is closing or closed. */
  readonly assertOpenable: () => void;
  /** Sends through the ordered outbox. */
  readonly send: (event: ClientEvent) => void;
  /** The conversation mirror, when the conversation feature is on (it keeps the audio of items sent). */
  readonly mirror: () => ConversationMirror | undefined;
  /** The dialect of the current (or last) connection; `undefined` before the first connect. */
  readonly dialect: () => Dialect | undefined;
  /** Milliseconds of an output item's audio received, when known (see the tracker). */
  readonly receivedAudioMs: (itemId: string, contentIndex: number) => number | undefined;
  /** An output content part as the response tree holds it (its transcript and audio length). */
  readonly content: (itemId: string, contentIndex: number) => RealtimeContent | undefined;
  /**
   * Whether the session is between connections after one was open (reconnecting, or connecting
   * again): what is sent now reaches a fresh server only after the restore.
   */
  readonly betweenConnections: () => boolean;
}

/** Builds, tracks and sends the session's acknowledged requests. */
export class SessionRequests {
  readonly #deps: SessionRequestsDeps;
  // item creates and deletes sent and not answered yet, in the order sent (made on first use)
  #inFlight: Map<string, InFlightItemChange> | undefined;

  constructor(deps: SessionRequestsDeps) {
    this.#deps = deps;
  }

  /** Sends the FULL session configuration; resolves with the options of the server's echo. */
  sessionUpdate(): Promise<RealtimeSessionOptions> {
    return this.#request('session.update', ...this.#sessionUpdateEvent());
  }

  /** {@link sessionUpdate}, with the `event_id` of the `session.update` sent. */
  sessionUpdateWithId(): { eventId: string; promise: Promise<RealtimeSessionOptions> } {
    const [eventId, key, event] = this.#sessionUpdateEvent();
    return { eventId, promise: this.#request('session.update', eventId, key, event) };
  }

  /**
   * The restore's full `session.update` of `options`, tracked but not sent (the restore prelude
   * carries it).
   */
  sessionUpdateRequest(options: RealtimeSessionOptions): {
    eventId: string;
    event: ClientEvent;
    promise: Promise<unknown>;
  } {
    const [eventId, key, event] = this.#sessionUpdateEvent(options, RESTORE);
    return {
      eventId,
      event,
      promise: this.#deps.requests.track('session.update', eventId, key, event),
    };
  }

  /** `conversation.item.create`; resolves with the server's item. */
  itemCreate(input: ChatItemInput, previousItemId?: string | null): Promise<ConversationItem> {
    try {
      const chat = toChatItem(input, this.#deps.generateId);
      // content the connection's dialect cannot carry is refused before anything is sent
      const item = chatItemToWireItem(chat, this.#deps.dialect(), {
        encodeAudio: itemAudioEncoder(this.#deps.options().inputAudioFormat),
      });
      const eventId = this.#deps.generateId('event');
      const event: ClientEvent = { type: 'conversation.item.create', event_id: eventId, item };
      // the wire's start is "root"; an absent previous_item_id appends
      if (previousItemId !== undefined)
        event.previous_item_id =
          previousItemId === null ? ROOT_ITEM_ID : checkItemId(previousItemId, 'previousItemId');
      const mirror = this.#deps.mirror();
      mirror?.expectSent(chat);
      const created = this.#request<ConversationItem>('item.create', eventId, chat.id, event);
      // refused or lost: nothing will echo it
      if (mirror) created.catch(() => mirror.forgetSent(chat.id));
      this.#track(eventId, { kind: 'create', item: chat, previousItemId }, created);
      return created;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * `conversation.item.truncate` (a 0 ms truncate deletes the item instead). A point past the
   * audio received is moved back to its end: what never arrived cannot have been heard, and the
   * server refuses such a truncate with an error that names no request (protocol.md §7.7), so
   * the promise could only time out. During an outage the cut is made in the mirror (see
   * {@link cutInMirror}) and resolves at once. An answer a reconnect re-created as text is
   * retold (see {@link retell}) and resolves with the item that replaced it.
   */
  async itemTruncate(args: TruncateArgs): Promise<TruncateRetold | undefined> {
    const requested = checkTruncate(args);
    const received = this.#deps.receivedAudioMs(args.itemId, args.contentIndex);
    const audioEndMs = received !== undefined && requested > received ? received : requested;
    // the server refuses a 0 ms truncate ("Only model output audio messages can be truncated"); nothing was heard, so delete
    if (audioEndMs === 0) {
      await this.itemDelete({ itemId: args.itemId });
      return undefined;
    }
    // queued now, it would reach a fresh server that holds the answer as text and refuses it,
    // keeping the unheard part: the restore sends the text heard instead
    const mirror = this.#deps.mirror();
    if (
      mirror !== undefined &&
      this.#deps.betweenConnections() &&
      cutInMirror(mirror, args.itemId, args.contentIndex, audioEndMs) !== undefined
    )
      return undefined;
    // the server holds this answer as text (a restore re-created it) and would refuse the
    // truncate, keeping the whole answer: its text is cut to what was heard instead, as
    // interrupt() does; an answer whose transcript is no longer known goes out as asked
    if (heldAsText(mirror, args.itemId, args.contentIndex)) {
      const retold = await this.retell(args.itemId, args.contentIndex, audioEndMs);
      // nothing heard beyond the restore's text: the answer stays as told, nothing sent
      if (retold === false) return undefined;
      if (retold !== null) return { retoldItemId: retold };
    }
    const eventId = this.#deps.generateId('event');
    await this.#request('item.truncate', eventId, args.itemId, {
      type: 'conversation.item.truncate',
      event_id: eventId,
      item_id: args.itemId,
      content_index: args.contentIndex,
      audio_end_ms: audioEndMs,
    });
    return undefined;
  }

  /**
   * Replaces an answer the server holds as text (see `heldAsText`) by the text heard in its
   * first `audioEndMs` (`interrupt-retell.ts`): `item.truncate()` and `interrupt()` both cut such
   * an answer this way. Resolves with the new item's id, `undefined` when it was only deleted,
   * `null` when its transcript is no longer known (nothing was sent), or `false` when a restore's
   * text already tells all that was heard (nothing sent: nothing to cut).
   */
  retell(
    itemId: string,
    contentIndex: number,
    audioEndMs: number,
  ): Promise<string | undefined | null | false> {
    const deps = this.#deps;
    // the items the server will hold once the changes in flight are applied (made at the first
    // question, after the retelling's delete)
    let held: ReadonlySet<string> | undefined;
    return retellHeard(
      {
        mirror: () => deps.mirror(),
        content: (id, index) => deps.content(id, index),
        itemDelete: (id) => this.itemDelete({ itemId: id }),
        itemCreate: (input, previous) => this.itemCreate(input, previous),
        newItemId: () => deps.generateId('item'),
        willHold: (id) =>
          (held ??= new Set(
            withInFlightChanges(deps.mirror()?.items() ?? [], this.inFlightItemChanges()).map(
              (item) => item.id,
            ),
          )).has(id),
      },
      itemId,
      contentIndex,
      audioEndMs,
    );
  }

  /** `conversation.item.delete`. */
  async itemDelete(args: DeleteArgs): Promise<void> {
    const itemId = checkItemId(args?.itemId);
    const eventId = this.#deps.generateId('event');
    const deleted = this.#request('item.delete', eventId, itemId, {
      type: 'conversation.item.delete',
      event_id: eventId,
      item_id: itemId,
    });
    this.#track(eventId, { kind: 'delete', itemId }, deleted);
    await deleted;
  }

  /**
   * The item creates and deletes sent and not answered yet, in the order they were sent: what a
   * chat sync plans with on top of the mirror (see `conversation/in-flight.ts`).
   */
  inFlightItemChanges(): InFlightItemChange[] {
    return this.#inFlight === undefined ? [] : [...this.#inFlight.values()];
  }

  #track(eventId: string, change: InFlightItemChange, request: Promise<unknown>): void {
    const inFlight = (this.#inFlight ??= new Map());
    inFlight.set(eventId, change);
    const settled = (): void => void inFlight.delete(eventId);
    request.then(settled, settled);
  }

  /**
   * `conversation.item.retrieve`: resolves with the item as the server holds it now, audio
   * included (the one server event that carries it); the mirror takes it in as well.
   */
  async itemRetrieve(args: RetrieveArgs): Promise<ConversationItem> {
    return await this.#retrieve(checkItemId(args?.itemId), false);
  }

  /**
   * A `conversation.item.retrieve` of the engine's own (whether a side-band's session holds an
   * item): as {@link itemRetrieve}, but a refusal only rejects, and is not reported on `error`.
   */
  probeItem(itemId: string): Promise<ConversationItem> {
    return this.#retrieve(itemId, true);
  }

  #retrieve(itemId: string, quiet: boolean): Promise<ConversationItem> {
    const eventId = this.#deps.generateId('event');
    return this.#request<ConversationItem>(
      'item.retrieve',
      eventId,
      itemId,
      { type: 'conversation.item.retrieve', event_id: eventId, item_id: itemId },
      quiet,
    );
  }

  #sessionUpdateEvent(
    options: RealtimeSessionOptions = this.#deps.options(),
    context: SessionUpdateContext = UPDATE,
  ): [eventId: string, key: string, event: ClientEvent] {
    // '' keeps the server's default instructions: omitted before they are known (the session's
    // first update), and sent back once known, as another update may have replaced them since
    const fallback = options.instructions === '' ? this.#deps.defaultInstructions() : undefined;
    let session = toSessionUpdate(
      fallback === undefined ? options : { ...options, instructions: fallback },
    );
    for (const f of this.#deps.features) {
      if (f.contributeSessionUpdate) session = f.contributeSessionUpdate(session, context);
    }
    const eventId = this.#deps.generateId('event');
    return [eventId, 'session', { type: 'session.update', event_id: eventId, session }];
  }

  #request<T>(
    kind: RequestKind,
    eventId: string,
    key: string,
    event: ClientEvent,
    quiet?: boolean,
  ): Promise<T> {
    try {
      this.#deps.assertOpenable();
    } catch (error) {
      return Promise.reject(error);
    }
    const promise = this.#deps.requests.track<T>(kind, eventId, key, event, quiet);
    this.#deps.send(event);
    return promise;
  }
}
