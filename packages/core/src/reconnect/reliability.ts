/**
 * The session's reliability controller: duplicate suppression, stall detection, rollover
 * planning, the restore after a reconnect, and the counters of `session.stats`. The session
 * calls it at a handful of points (frame decoded, event handled, connection open/lost/closed)
 * and keeps composing; the decisions live here.
 *
 * Promises handed out before a drop, per kind (documented in the README):
 * - `conversation.item.create` / `.delete` / `.retrieve`: re-sent after the restore; settle on the new ack.
 *   After a re-attach to a session the server kept, a create or delete is probed first
 *   (`reattach-probes.ts`): the session may have applied it.
 * - `sessionUpdate()`: re-sent after the restore, like the item requests. The restore's own
 *   `session.update` carries what the old server had confirmed, so a change the fresh server
 *   refuses leaves it configured as before, as a refusal without a drop would (each update is
 *   the whole configuration of its moment: re-sent in order, the last one wins).
 * - `conversation.item.truncate`: rejected at once with `SOCKET_CLOSED` (`data.reason:
 *   'connection_lost'`): it refers to audio played from the old connection.
 * - responses in progress: end with status `failed`, `status_details.reason: 'connection_lost'`;
 *   their assistant answers are restored as the text heard so far (`cut-answers.ts`).
 * - anything, when the supervisor gives up or the session closes: rejected with that error.
 * @module
 */
import type { ClientEvent, ServerEvent } from '@voxwire/protocol';
import type { OpenState } from '../connection-state.js';
import { VoxwireError } from '../errors.js';
import type { OutboxStats } from '../outbox.js';
import { CutAnswers } from './cut-answers.js';
import { InputTurns } from './input-turns.js';
import { RecentIds } from './dedupe.js';
import { ReattachProbes } from './reattach-probes.js';
import type { ReliabilityHost } from './reliability-host.js';
import type { ResolvedReliability } from './options.js';
import type { ReconnectedEvent, SessionStats } from './reliability-events.js';
import { preludeInputFormat, restoreConversation } from './restore.js';
import { confirmConfig, resend } from './resend.js';
import { RolloverPlanner } from './rollover.js';
import type { AudioFormatName } from '../options.js';
import { StallWatch } from './stall.js';
import { failStalledResponses } from './stalled-responses.js';
import { replaceGonePredecessors } from './gone-predecessors.js';
import { TruncatedHeard } from './truncated-heard.js';
import { withTurnAudio } from './untranscribed-turns.js';
import { BoundedIds, LEFT_OUT_KEPT } from '../conversation/bounded-ids.js';

export type { ReliabilityHost } from './reliability-host.js';

/**
 * The restore map of every session that has not reconnected: always empty, never written (the
 * only writer replaces the field with the restore's own map; deletes run only when size > 0).
 */
const NO_RESTORE_ITEMS: Map<string, string> = new Map();

/** One session's reliability machinery. */
export class Reliability {
  readonly #h: ReliabilityHost;
  readonly #ids: RecentIds;
  readonly #stall: StallWatch;
  readonly #rollover: RolloverPlanner;
  // the user's input audio: the ledger a restore replays from, speech, automatic answers
  readonly #input: InputTurns;
  // event id → restored item id; only a reconnect's restore fills it, so idle sessions share one empty map
  #restoreItems = NO_RESTORE_ITEMS;
  // the items the restores left out (see `leftOut`), and the call ids of the calls among them:
  // kept past the restore, as a request about one may outlive the connection after it (a delete
  // written into a socket that then died, re-sent by the next restore), but only the newest
  // LEFT_OUT_KEPT: what asks about them comes soon after, and a session open all day would
  // otherwise keep every id ever left out
  #leftOut: BoundedIds | undefined;
  #leftOutCalls: BoundedIds | undefined;
  #lostCause: VoxwireError | undefined;
  // reconnect.truncatedAnswers is 'heard'; then the text heard of the answers the server
  // truncated, and of those a drop cut off mid-stream, each made on first use (most sessions
  // never see either, and each session's objects count at a thousand sessions)
  readonly #retell: boolean;
  #truncated: TruncatedHeard | undefined;
  #cut: CutAnswers | undefined;
  // the server keeps the session across connections (a side-band to a call): nothing to restore,
  // nothing to roll over
  #persistent = false;
  /**
   * What a re-attach probes (made on a side-band's first attach): the item creates and deletes
   * the drop left unanswered, items whose events it lost or that came before the attach, and
   * responses heard from the middle. The router hands it each event.
   */
  probes: ReattachProbes | undefined;
  #reconnects = 0;
  #rollovers = 0;
  #stalls = 0;
  #duplicates = 0;
  #streamDrops = 0;

  /** Builds the controller for one session. */
  constructor(host: ReliabilityHost, options: ResolvedReliability) {
    this.#h = host;
    this.#ids = new RecentIds(options.dedupeWindow);
    this.#retell = options.reconnect.truncatedAnswers === 'heard';
    this.#stall = new StallWatch(host.clock, options.stallTimeoutMs, (idleMs) => {
      this.#stalls += failStalledResponses(host, idleMs);
    });
    this.#rollover = new RolloverPlanner(
      host.clock,
      options.reconnect.rolloverMarginMs,
      () => this.#quiet(),
      () => {
        if (!host.connection.rollover()) return;
        this.#rollovers++;
        // the old socket is closing: what the app sends meanwhile waits for the fresh one
        // (after its restore) instead of failing on a socket that no longer takes frames
        host.outbox.pause();
      },
    );
    this.#input = new InputTurns(host, options.replayUncommittedAudioMs, this.#rollover);
  }

  /**
   * Whether a restore left item `itemId` out (no server since had it: it cannot be made again),
   * or wrote its turn again as audio (the fresh server made its item anew, under another id): a
   * delete of it the outage held is done, and the server's `item_not_found` for it is no error.
   */
  leftOut(itemId: string): boolean {
    return this.#leftOut?.has(itemId) === true;
  }

  /**
   * Whether a restore left out the function call `callId` (cut before its arguments were
   * complete): an output of it the outage held is refused, `item_not_found`.
   */
  leftOutCall(callId: string): boolean {
    return this.#leftOutCalls?.has(callId) === true;
  }

  /** Whether the server keeps the session across connections (a side-band to a call). */
  get keepsSession(): boolean {
    return this.#persistent;
  }

  /** Counts one dropped stream chunk (the streams' `onDrop`). */
  readonly countStreamDrop = (): void => {
    this.#streamDrops++;
  };

  /** Whether `event` repeats one seen recently (same `event_id`): it must not be applied again. */
  isDuplicate(event: ServerEvent): boolean {
    const id = event.event_id;
    if (typeof id !== 'string' || id === '' || !this.#ids.seen(id)) return false;
    this.#duplicates++;
    this.#h.logger.debug('duplicate server event dropped', {
      ...this.#h.logFields(),
      eventId: id,
      type: event.type,
    });
    return true;
  }

  /**
   * A connect attempt starts; every frame from now on is its own. Event ids are the server
   * session's: a redelivery repeats a frame of the same connection, whereas a new connection's
   * server may count its ids from the start again (a restarted local server, a relay), and its
   * `session.created`, acks and responses must not be dropped as repeats of the old ones.
   */
  connecting(): void {
    this.#ids.clear();
  }

  /** After the engine handled `event`. */
  observe(event: ServerEvent): void {
    this.#input.observe(event);
    switch (event.type) {
      case 'error': {
        // a restored item the server refused is not in its conversation: keep the mirror honest
        const itemId = event.error.event_id
          ? this.#restoreItems.get(event.error.event_id)
          : undefined;
        const mirror = this.#h.mirror();
        if (itemId !== undefined && mirror?.has(itemId)) mirror.delete(itemId);
        break;
      }
      case 'conversation.item.added':
      case 'conversation.item.created':
        if (this.#restoreItems.size > 0 && event.item.id) this.#forgetRestoreItem(event.item.id);
        break;
      case 'session.created': // the server's own word on when it ends (Unix seconds)
        if (!this.#persistent && typeof event.session.expires_at === 'number')
          this.#rollover.serverExpiry(event.session.expires_at * 1000);
        break;
      case 'conversation.item.truncated':
        if (this.#retell)
          (this.#truncated ??= new TruncatedHeard(this.#h.tracker)).truncated(event);
        break;
      default:
        break;
    }
    this.#stall.activity(this.#h.tracker.activeCount > 0);
    this.#rollover.check();
  }

  #forgetRestoreItem(itemId: string): void {
    for (const [eventId, id] of this.#restoreItems) {
      if (id === itemId) {
        this.#restoreItems.delete(eventId);
        return;
      }
    }
  }

  /**
   * An input audio append was written to the socket (the outbox's writer tells), its audio in
   * `format` when the engine encoded it (else the session's input format is assumed); the
   * socket holds `unsentBytes` unsent after it (its `bufferedAmount`).
   */
  wroteAudio(
    event: ClientEvent & { readonly audio: string },
    format?: AudioFormatName | undefined,
    unsentBytes = 0,
  ): void {
    this.#input.wroteAudio(event, format, unsentBytes);
  }

  /** An `input_audio_buffer.commit` or `.clear` was written to the socket. */
  wroteBoundary(eventId: string | undefined, kind: 'commit' | 'clear'): void {
    this.#input.ledger.wroteBoundary(eventId, kind);
  }

  /** A connection opened: returns the restore prelude (empty for the first connect). */
  opened(state: OpenState): { prelude: ClientEvent[]; event: ReconnectedEvent | undefined } {
    this.#persistent = state.persistentSession;
    this.#rollover.opened(this.#persistent ? undefined : state.maxSessionDurationMs);
    // a kept session may go on naming the responses the drop ended here: keep ignoring them
    if (!(this.#persistent && state.reconnected)) this.#h.tracker.forgetDiscarded();
    const h = this.#h;
    if (this.#persistent && state.reconnected) return this.#reattached(state);
    // a side-band's first attach joins a call already under way: its session may be answering
    // (a caller who spoke before this socket was up), and it holds items this side never saw.
    // Both are what a re-attach meets, so the same probes adopt the answer heard from the
    // middle and retrieve the item an added item names
    if (this.#persistent) this.probes ??= new ReattachProbes(h);
    if (!state.reconnected) {
      // a fresh ledger for the new connection (nothing to replay on a first connect)
      this.#input.ledger.takeReplay(h.options(), h.options().inputAudioFormat);
      return { prelude: [], event: undefined };
    }
    const { prelude, unsent, superseded } = confirmConfig(this.#h);
    // the items are read in the format this update sets (what the old server confirmed), not in
    // one asked for since: that update, if unanswered, is re-sent after them
    const restoreFormat = preludeInputFormat(prelude);
    const mirror = h.mirror();
    // a turn committed and not answered yet is written again as audio (`uncommitted-audio.ts`):
    // the fresh server makes its item anew, so the old one is not restored beside it
    // The app's turn (push-to-talk) is written again with its commit only when the drop took its
    // item too (before the app's create for it, sent again after it): else the mirror has it
    const turn = this.#input.ledger.unansweredTurn;
    const appTurn = turn?.manual === true && mirror?.has(turn.itemId) !== true;
    // the conversation's order before the restore changes the mirror (see `gone-predecessors.ts`)
    const order = mirror?.ids() ?? [];
    const replaced =
      turn?.manual === false && mirror?.has(turn.itemId) === true ? turn.itemId : undefined;
    if (replaced !== undefined) mirror?.delete(replaced);
    // a turn answered before its transcript came: its words are the audio it was
    const heardAsAudio = mirror ? withTurnAudio(mirror, this.#input.ledger) : [];
    // the answers the drop cut off become the text heard before the mirror is read
    const cutOff =
      mirror && this.#cut
        ? this.#cut.retell(mirror, { playback: h.playback, now: h.clock.now() })
        : [];
    const truncated = this.#retell
      ? (this.#truncated ??= new TruncatedHeard(h.tracker))
      : undefined;
    const conversation = mirror
      ? restoreConversation(
          mirror,
          h.generateId,
          (f) => h.encodeAudio(f, restoreFormat),
          truncated ? (id, index, endMs) => truncated.heardText(id, index, endMs) : undefined,
        )
      : undefined;
    if (conversation) {
      prelude.push(...conversation.events);
      this.#restoreItems = conversation.eventItems;
      // (and the turn written again: the fresh server makes its item anew, under another id)
      const leftOut =
        replaced === undefined ? conversation.skipped : [...conversation.skipped, replaced];
      if (leftOut.length > 0) (this.#leftOut ??= new BoundedIds(LEFT_OUT_KEPT)).addAll(leftOut);
      if (conversation.skippedCalls.size > 0)
        (this.#leftOutCalls ??= new BoundedIds(LEFT_OUT_KEPT)).addAll(conversation.skippedCalls);
    }
    // every truncated answer was retold (or left out): the fresh server holds no truncation
    this.#truncated?.restored();
    // kept for a later restore as the app's own audio items are (bounded with them): the fresh
    // server transcribes no item it is sent
    for (const id of heardAsAudio) mirror?.keepSamples(id);
    // a turn the old server committed unacknowledged goes before the requests sent again (the
    // answer asked for it among them)
    const resentAt = prelude.length;
    const resent = resend(this.#h, unsent, superseded, prelude);
    // the creates in flight (sent again, or queued during the outage) placed after an item the
    // fresh server will not hold go after the nearest one it holds
    if (this.#leftOut !== undefined)
      replaceGonePredecessors(h.requests.eventsOf('item.create'), order, this.#leftOut);
    // what the old server had not committed, in the input format the fresh server has when it
    // gets there: the restore's, or that of a re-sent update (the last one written wins)
    const replay = this.#input.ledger.takeReplay(h.options(), preludeInputFormat(prelude), appTurn);
    // the replay and the audio queued meanwhile reach the fresh server at once
    this.#input.ledger.restoring(h.clock.now());
    if (replay.skippedMs > 0)
      h.logger.warn('uncommitted input audio in an earlier input format not replayed', {
        ...h.logFields(),
        skippedAudioMs: replay.skippedMs,
      });
    // after the conversation and the requests, before audio queued during the outage
    prelude.splice(resentAt, 0, ...replay.committed);
    prelude.push(...replay.events);
    const rollover = this.#lostCause?.code === 'ROLLOVER';
    this.#lostCause = undefined;
    this.#reconnects++;
    h.logger.info('restoring session', {
      ...h.logFields(),
      items: conversation?.restored ?? 0,
      skipped: conversation?.skipped.length ?? 0,
      resent,
      rollover,
      replayedAudioMs: replay.ms,
    });
    return {
      prelude,
      event: {
        attempt: state.attempt,
        dialect: state.dialect,
        description: state.description,
        restoredItems: conversation?.restored ?? 0,
        skippedItems: conversation?.skipped.length ?? 0,
        resentRequests: resent,
        rollover,
        replayedAudioMs: replay.ms,
        cutOffItemIds: cutOff.filter((id) => !conversation?.skipped.includes(id)),
      },
    };
  }

  /**
   * A reconnect to a session the server kept (`persistentSession`): the session still holds its
   * conversation, its truncations and the audio it heard, so nothing of them is sent again. The
   * configuration is confirmed (the last update this side knows, which a drop may have left
   * unanswered) and the requests the old connection took unanswered are sent again, as after
   * any drop, but for item creates and deletes: the session may have applied one already, so
   * each is probed first (`reattach-probes.ts`).
   */
  #reattached(state: OpenState): { prelude: ClientEvent[]; event: ReconnectedEvent } {
    const h = this.#h;
    const { prelude, unsent, superseded } = confirmConfig(h);
    const probes = (this.probes ??= new ReattachProbes(h));
    const resent = resend(h, unsent, superseded, prelude, (request) => probes.probe(request));
    // the call heard the audio of the old connection itself: the ledger starts afresh
    this.#input.ledger.takeReplay(h.options(), h.options().inputAudioFormat);
    this.#lostCause = undefined;
    this.#reconnects++;
    h.logger.info('re-attached to the kept session', { ...h.logFields(), resent });
    return {
      prelude,
      event: {
        attempt: state.attempt,
        dialect: state.dialect,
        description: state.description,
        restoredItems: 0,
        skippedItems: 0,
        resentRequests: resent,
        rollover: false,
        replayedAudioMs: 0,
        cutOffItemIds: [],
      },
    };
  }

  /**
   * The connection ended (a reconnect may follow, unless `closing`): called before the responses
   * in progress are ended.
   */
  lost(closing = false): void {
    const mirror = this.#h.mirror();
    const active = this.#h.tracker.active;
    // a kept session goes on answering without this connection: nothing was cut
    if (!closing && !this.#persistent && this.#retell && mirror && active.length > 0)
      (this.#cut ??= new CutAnswers()).noteDrop(active, mirror);
    this.#stall.stop();
    this.#rollover.stop();
    this.#input.lost();
    this.#restoreItems = NO_RESTORE_ITEMS;
    this.probes?.clear();
    this.#h.requests.pause();
    // a truncate still queued (behind audio waiting for a congested socket, say) refers to audio
    // of this connection too: not written to the next one, where the restore re-creates its
    // answer as the text heard (a text item cannot be truncated: unsupported_content_type)
    this.#h.outbox.withdraw('conversation.item.truncate');
    this.#h.requests.rejectKind(
      'item.truncate',
      new VoxwireError(
        'SOCKET_CLOSED',
        'the connection was lost before the truncate was acknowledged; it refers to audio of the old connection',
        {
          data: { reason: 'connection_lost' },
        },
      ),
    );
  }

  /** A reconnect is scheduled because of `cause`. */
  reconnecting(cause: VoxwireError): void {
    this.#lostCause = cause;
  }

  /** The session closed: stop every timer. */
  closed(): void {
    this.#cut?.clear();
    this.#stall.stop();
    this.#rollover.stop();
    this.#input.closed();
  }

  /** The counters (the session adds the outbox's). */
  stats(): Omit<SessionStats, keyof OutboxStats> {
    const sizes = this.#h.tracker.sizes;
    return {
      reconnects: this.#reconnects,
      rollovers: this.#rollovers,
      stalls: this.#stalls,
      duplicateEvents: this.#duplicates,
      streamChunksDropped: this.#streamDrops,
      pendingRequests: this.#h.requests.size,
      activeResponses: sizes.active,
      retainedResponses: sizes.finished,
      recentEventIds: this.#ids.size,
      leftOutIds: (this.#leftOut?.size ?? 0) + (this.#leftOutCalls?.size ?? 0),
      mirrorItems: this.#h.mirror()?.size ?? 0,
      mirrorItemsAwaitingEcho: this.#h.mirror()?.awaitingEcho ?? 0,
    };
  }

  #quiet(): boolean {
    const h = this.#h;
    return (
      this.#input.quiet &&
      h.tracker.activeCount === 0 &&
      !h.creator.createPending &&
      h.outbox.queued === 0 &&
      h.requests.size === 0
    );
  }
}
