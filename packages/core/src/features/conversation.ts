/**
 * The conversation feature: the session's mirror of the server's conversation (fed by every
 * server event) and chat-context sync (`chatCtxCopy`, `setChatCtx`) on top of the session's
 * acknowledged item requests. Also what reconnection needs to restore a conversation: the
 * mirror's items and `replay(items)`.
 * @module
 */
import type {
  AudioFrame,
  ConversationItem,
  Dialect,
  IdGenerator,
  Logger,
  ServerEvent,
} from '@voxwire/protocol';
import {
  G711_SAMPLE_RATE,
  audioFrame,
  base64ToBytes,
  base64ToPcm16,
  bytesToBase64,
  pcm16ToBase64,
  g711Decode,
  g711Encode,
} from '@voxwire/protocol';
import { VoxwireError } from '../errors.js';
import { floatHint, frameAtRate } from '../input-audio.js';
import type { SessionFeature } from '../feature.js';
import type { AudioFormatName } from '../options.js';
import { formatSampleRate } from '../options.js';
import type { ChatContext, ChatItem } from '../conversation/chat-context.js';
import { chatContext, isChatContextInput } from '../conversation/chat-context.js';
import { ConversationError } from '../conversation/errors.js';
import {
  rebasedOnInFlight,
  withInFlightChanges,
  type InFlightItemChange,
} from '../conversation/in-flight.js';
import { toChatItem } from '../conversation/input.js';
import { chatItemToWireItem } from '../conversation/items.js';
import { ConversationMirror } from '../conversation/mirror.js';
import { sameChatItem } from '../conversation/same.js';
import {
  executeChatSyncPlan,
  planChatContextSync,
  type ChatSyncOptions,
} from '../conversation/sync.js';

/** The audio-mode hint of `setChatCtx` (see {@link ChatSyncOptions.audioModeHint}). */
export type AudioModeHint = boolean | { readonly durationMs?: number | undefined };

/**
 * Checks an audio-mode hint (the model option, and the per-call one of `setChatCtx`): a boolean,
 * or `{ durationMs }` with 0 < durationMs ≤ 60000. A duration out of range would make an empty
 * silent item (which the server takes as an item without audio) or a buffer too large to allocate.
 * @throws VoxwireError `INVALID_ARGUMENT` (`data.argument: 'audioModeHint'`)
 */
export function checkAudioModeHint(hint: unknown): AudioModeHint | undefined {
  if (hint === undefined || typeof hint === 'boolean') return hint;
  const ms =
    typeof hint === 'object' && hint !== null ? (hint as AudioModeHint & object).durationMs : NaN;
  if (ms !== undefined && !(typeof ms === 'number' && ms > 0 && ms <= 60_000)) {
    throw new VoxwireError(
      'INVALID_ARGUMENT',
      'audioModeHint must be a boolean or { durationMs } with 0 < durationMs ≤ 60000',
      { data: { argument: 'audioModeHint' } },
    );
  }
  return hint as AudioModeHint;
}

/** Options of `session.setChatCtx(ctx, options)`. */
export interface SetChatCtxOptions {
  /**
   * Append a short silent user audio item when the sync adds only text (the seed's "set the API in
   * audio mode" workaround; see `audioModeHint` of the model options for why).
   * @default the session's `audioModeHint` (itself `false` by default)
   */
  readonly audioModeHint?: AudioModeHint | undefined;
  /**
   * Whether an item of `ctx` is unchanged from the server's item of the same id; a changed one
   * is deleted and created again in its place. Pass `() => true` to compare by id only (the
   * seed's behaviour).
   * @default {@link sameChatItem}: same type and content, `status` aside
   */
  readonly isSame?: ((serverItem: ChatItem, ctxItem: ChatItem) => boolean) | undefined;
}

/** What the conversation feature needs from its session. */
export interface ConversationHost {
  /** `conversation.item.create` with an already-built chat item; resolves on the server's ack. */
  createItem(item: ChatItem, previousItemId: string | null): Promise<ConversationItem>;
  /** `conversation.item.delete`; resolves on the server's ack. */
  deleteItem(itemId: string): Promise<void>;
  /** The item creates and deletes sent and not answered yet, in the order they were sent. */
  inFlightItemChanges(): readonly InFlightItemChange[];
  /** The session's current input audio format (item audio is sent in it). */
  inputAudioFormat(): AudioFormatName;
  /**
   * The input format the server last confirmed, or the one asked for before any echo: what
   * audio it hands back (a retrieved user item's) is in, as a change takes effect with its echo.
   */
  confirmedInputFormat(): AudioFormatName;
  /** The session's current output audio format (the model's item audio comes in it). */
  outputFormat(): AudioFormatName;
  /** The dialect of the current (or last) connection; `undefined` before the first connect. */
  dialect(): Dialect | undefined;
  /** Ids for the audio-hint item. */
  readonly generateId: IdGenerator;
  /** Where mirror anomalies are logged. */
  readonly logger: Logger;
  /** Fields every log line carries (the session id). */
  logFields(): Record<string, unknown>;
  /** The session's default audio-mode hint. */
  readonly audioModeHint: AudioModeHint;
  /**
   * Whether the mirror lacking `itemId` is expected: an output of `responseId` asked for out of
   * band, which is in no conversation; or an item a side-band knows it did not hear added (a
   * drop lost it, or it came before the attach), being retrieved or of an answer adopted from
   * the middle.
   * @default undefined (never)
   */
  unplacedItem?(itemId: string, responseId: string | undefined): boolean;
  /**
   * Whether a restore left `itemId` out (an answer a drop cut before a word of it was heard, a
   * call cut mid-arguments) or wrote its turn again as audio (its item made anew, under another
   * id): no server since had it, and it cannot be made again.
   * @default undefined (never)
   */
  leftOutByRestore?(itemId: string): boolean;
}

/**
 * Item audio for a session's input format, which the server reads item audio in: mono at the
 * format's rate (24 kHz PCM16, 8 kHz for G.711, which is encoded here). A frame at another rate
 * or with more channels is down-mixed and resampled first.
 */
export function itemAudioEncoder(format: AudioFormatName): (frame: AudioFrame) => string {
  const rate = formatSampleRate(format);
  return (frame) => {
    const data = frameAtRate(frame, rate);
    if (data === undefined) {
      throw new ConversationError(
        'UNSUPPORTED_CONTENT',
        `item audio at ${frame.sampleRate} Hz × ${frame.channels} cannot be converted to mono ${rate} Hz PCM16 for ${format} (its data must be an Int16Array of whole frames)${floatHint(frame)}`,
      );
    }
    return format === 'pcm16'
      ? pcm16ToBase64(data)
      : bytesToBase64(g711Encode(data, format === 'g711_ulaw' ? 'ulaw' : 'alaw'));
  };
}

/**
 * Item audio from the server in a session format: PCM16 at 24 kHz, or G.711 decoded to PCM16 at
 * 8 kHz (the rate {@link itemAudioEncoder} asks of G.711 item audio, so a restore can send it back).
 */
export function decodeItemAudio(format: AudioFormatName, base64: string): AudioFrame {
  if (format === 'pcm16') return audioFrame(base64ToPcm16(base64));
  const law = format === 'g711_ulaw' ? 'ulaw' : 'alaw';
  return audioFrame(g711Decode(base64ToBytes(base64), law), G711_SAMPLE_RATE);
}

/**
 * An item as it can be re-created on a fresh server conversation, or `undefined` when it cannot:
 * MCP (raw) items, and audio the mirror has no samples of, which becomes its transcript as text
 * (the server only hands audio back through `conversation.item.retrieve`).
 */
export function replayableItem(item: ChatItem): ChatItem | undefined {
  if (item.type === 'raw') return undefined;
  if (item.type !== 'message') return item;
  const content = item.content.flatMap((part) => {
    if (part.type !== 'audio' || part.audio !== undefined) return [part];
    return part.transcript ? [{ type: 'text' as const, text: part.transcript }] : [];
  });
  return content.length === 0
    ? undefined
    : { type: 'message', id: item.id, role: item.role, content };
}

/**
 * Throws what `conversation.item.create` would refuse `item` for, as the `ConversationError`
 * `INVALID_ITEM` that `setChatCtx` documents (its `cause` the create's `INVALID_ARGUMENT`).
 */
function assertCreatable(item: ChatItem, generateId: IdGenerator): void {
  try {
    toChatItem(item, generateId);
  } catch (error) {
    if (!(error instanceof VoxwireError) || error.code !== 'INVALID_ARGUMENT') throw error;
    throw new ConversationError('INVALID_ITEM', `item ${item.id}: ${error.message}`, {
      itemId: item.id,
      cause: error,
    });
  }
}

/** The mirror plus chat-context sync. Built by the session; one per session. */
export class ConversationFeature implements SessionFeature {
  /** @inheritdoc */
  readonly name = 'conversation';
  /** @inheritdoc it follows items, never the deltas of their content */
  readonly skipsContentDeltas = true;
  /** The mirror of the server's conversation (do not mutate it; `setChatCtx` changes the server, and the mirror follows). */
  readonly mirror: ConversationMirror;
  readonly #host: ConversationHost;
  // syncs run one after the other: each plans from the mirror its predecessor left
  #queue: Promise<unknown> = Promise.resolve();
  // the item ids each sync asked for and not done yet (made on the first): what a later sync's
  // caller knows will be there
  #asked: Set<ReadonlySet<string>> | undefined;

  /**
   * @param host - the session's item requests and services
   * @param keepSentAudioMs - audio of sent items the mirror keeps (see `ConversationOptions`)
   */
  constructor(host: ConversationHost, keepSentAudioMs?: number) {
    this.#host = host;
    // item audio (a retrieved item's, say) is in the session's format of its direction, read when
    // it arrives: a G.711 session's must not be taken for 24 kHz PCM16. The confirmed one: server
    // events come in the order it handled them, so a change asked for since is not applied yet
    this.mirror = new ConversationMirror({
      maxSentAudioMs: keepSentAudioMs,
      decodeAudio: (b64, direction) =>
        decodeItemAudio(
          direction === 'output' ? host.outputFormat() : host.confirmedInputFormat(),
          b64,
        ),
    });
  }

  /** @inheritdoc */
  onServerEvent(event: ServerEvent): void {
    const change = this.mirror.applyServerEvent(event);
    const anomaly = change.anomaly;
    if (anomaly) {
      // an out-of-band response's output, an item a side-band did not hear added (a gap being
      // filled in, an answer adopted from the middle), a retrieve's answer about an item the
      // mirror lacks (it places nothing): expected, not a fault of the mirror
      const concerned = anomaly.previousItemId ?? change.itemId;
      const responseId = event.type === 'response.output_item.done' ? event.response_id : undefined;
      const expected =
        event.type === 'conversation.item.retrieved' ||
        (concerned !== undefined && this.#host.unplacedItem?.(concerned, responseId) === true);
      this.#host.logger[expected ? 'debug' : 'warn']('conversation mirror anomaly', {
        ...this.#host.logFields(),
        eventType: event.type,
        code: anomaly.code,
        detail: anomaly.message,
      });
    }
  }

  /** A deep copy of the conversation as the server holds it (as far as the mirror knows). */
  chatCtxCopy(): ChatContext {
    return this.mirror.toChatContext();
  }

  /**
   * Makes the server's conversation equal to `ctx` with the fewest deletes and creates. Resolves
   * once the server acknowledged every operation; rejects with a `ConversationError` (bad ids,
   * content the API cannot take; nothing was sent) or a `ChatSyncError` listing what failed.
   */
  setChatCtx(
    ctx: ChatContext | readonly ChatItem[],
    options: SetChatCtxOptions = {},
  ): Promise<void> {
    let hint: AudioModeHint;
    try {
      // checked here as the model option is: a bad one must not reach the silent item
      hint = checkAudioModeHint(options?.audioModeHint) ?? this.#host.audioModeHint;
    } catch (error) {
      return Promise.reject(error);
    }
    // the item creates and deletes sent before this call (the app's, a tool's output): the plan
    // counts those still unanswered when it is made. Not later ones: `ctx` cannot know of them
    const before = new Set(this.#host.inFlightItemChanges());
    // what the app could know of when it called: anything that appears later (a turn committed,
    // a tool's output, an answer, while an earlier sync runs) is kept
    // (the syncs asked for before it included: their items are the app's own)
    const known = new Set(this.mirror.ids());
    for (const change of before) if (change.kind === 'create') known.add(change.item.id);
    for (const ids of this.#asked ?? []) for (const id of ids) known.add(id);
    const asked = askedIds(ctx);
    (this.#asked ??= new Set()).add(asked);
    const run = (): Promise<void> => this.#sync(ctx, hint, options.isSame, before, known);
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    void this.#queue.then(() => this.#asked?.delete(asked));
    return result;
  }

  /**
   * Re-creates `items` on a server conversation that starts empty (after a reconnect): the mirror
   * is cleared, then every {@link replayableItem} is created in order. Resolves like `setChatCtx`.
   * @default items the mirror's items at the time of the call
   */
  replay(items: readonly ChatItem[] = this.mirror.items()): Promise<void> {
    const replayable = items.flatMap((item) => replayableItem(item) ?? []);
    const run = (): Promise<void> => {
      this.mirror.clear();
      return this.#sync(replayable, false);
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #sync(
    ctx: ChatContext | readonly ChatItem[],
    hint: AudioModeHint,
    isSame: SetChatCtxOptions['isSame'] = sameChatItem,
    sentBefore?: ReadonlySet<InFlightItemChange>,
    known?: ReadonlySet<string>,
  ): Promise<void> {
    if (!isChatContextInput(ctx)) {
      throw new VoxwireError(
        'INVALID_ARGUMENT',
        'setChatCtx needs a ChatContext ({ items }) or a list of chat items',
        { data: { argument: 'ctx' } },
      );
    }
    const next = chatContext(
      withoutLeftOut(
        Array.isArray(ctx) ? (ctx as readonly ChatItem[]) : (ctx as ChatContext).items,
        this.mirror,
        this.#host,
      ),
    );
    const options: ChatSyncOptions = {
      audioModeHint: hint,
      generateId: this.#host.generateId,
      sampleRate: this.#rate(),
      isSame,
    };
    // planned against the conversation as the server will hold it once the creates and deletes
    // sent before the call are applied (they go before this sync's operations): an item the app
    // just deleted or created is not deleted or created again (refused, a ChatSyncError)
    const inFlight =
      sentBefore === undefined || sentBefore.size === 0
        ? []
        : this.#host.inFlightItemChanges().filter((change) => sentBefore.has(change));
    const planned =
      inFlight.length === 0
        ? this.mirror.items()
        : withInFlightChanges(this.mirror.items(), inFlight);
    const current = inFlight.length === 0 ? this.mirror : chatContext(planned);
    // and `ctx`, built from a copy of the mirror, rebased on them (it cannot show them) and on
    // what appeared since the call (it could not know of it): a create in flight at the call and
    // answered since (an earlier sync ran meanwhile, across a reconnect say) is in the mirror
    // now, but the copy could not show it either
    const landed = landedSince(sentBefore, inFlight, next);
    const appeared =
      known === undefined
        ? []
        : planned
            .filter((item) => !known.has(item.id) || landed?.has(item.id) === true)
            .map((i) => i.id);
    const target =
      inFlight.length === 0 && appeared.length === 0
        ? next
        : chatContext(rebasedOnInFlight(next.items, planned, inFlight, appeared));
    const plan = planChatContextSync(current, target, options);
    // refuse unsendable content before anything goes out, so a sync is never half-applied for it
    const encodeAudio = itemAudioEncoder(this.#host.inputAudioFormat());
    const dialect = this.#host.dialect();
    for (const op of plan.operations) {
      if (op.kind !== 'create') continue;
      // the create goes through item.create's own checks (toChatItem): run them now too, or an
      // item they refuse (a nameless call, an empty message) fails after the deletes went out
      assertCreatable(op.item, this.#host.generateId);
      chatItemToWireItem(op.item, dialect, { encodeAudio });
    }
    if (plan.operations.length > 0) {
      this.#host.logger.debug('sync chat context', {
        ...this.#host.logFields(),
        deletes: plan.operations.filter((op) => op.kind === 'delete').length,
        creates: plan.operations.filter((op) => op.kind === 'create').length,
      });
    }
    await executeChatSyncPlan(plan, {
      createItem: (item, previousItemId) => this.#host.createItem(item, previousItemId),
      deleteItem: (itemId) => this.#host.deleteItem(itemId),
    });
  }

  #rate(): number {
    return formatSampleRate(this.#host.inputAudioFormat());
  }
}

/**
 * The items created by requests in flight at a sync's call (`sentBefore`) that are answered by
 * the time it is planned (not in `inFlight`) and that `ctx` does not name: the copy `ctx` was
 * built from could not show them, so they are kept where they landed.
 */
function landedSince(
  sentBefore: ReadonlySet<InFlightItemChange> | undefined,
  inFlight: readonly InFlightItemChange[],
  ctx: ChatContext,
): ReadonlySet<string> | undefined {
  if (sentBefore === undefined || sentBefore.size === inFlight.length) return undefined;
  let landed: Set<string> | undefined;
  for (const change of sentBefore) {
    if (change.kind !== 'create' || inFlight.includes(change)) continue;
    if (ctx.items.some((item) => item.id === change.item.id)) continue;
    (landed ??= new Set()).add(change.item.id);
  }
  return landed;
}

/**
 * `items` without those the last restore left out, in a copy taken before it: the restore's
 * choice stands (such an item cannot be made again: an answer's audio without samples or words
 * heard, a call without its arguments), where taken for an addition it would fail the whole sync.
 */
function withoutLeftOut(
  items: readonly ChatItem[],
  mirror: ConversationMirror,
  host: ConversationHost,
): readonly ChatItem[] {
  if (host.leftOutByRestore === undefined) return items;
  const kept = items.filter(
    (item) =>
      typeof item !== 'object' ||
      item === null ||
      mirror.has(item.id) ||
      host.leftOutByRestore?.(item.id) !== true,
  );
  return kept.length === items.length ? items : kept;
}

/** The item ids a `setChatCtx` argument asks for (none when it is malformed: the sync refuses it). */
function askedIds(ctx: ChatContext | readonly ChatItem[]): ReadonlySet<string> {
  const items = Array.isArray(ctx) ? ctx : (ctx as Partial<ChatContext> | null)?.items;
  const ids = new Set<string>();
  if (Array.isArray(items))
    for (const item of items as unknown[])
      if (typeof (item as { id?: unknown } | null)?.id === 'string')
        ids.add((item as { id: string }).id);
  return ids;
}
