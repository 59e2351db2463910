/**
 * `session.interrupt()`: the barge-in an app performs when the user speaks over the assistant
 * (or presses push-to-talk, or types). It cancels the response in progress, and cuts the answer
 * being played to what was heard (`conversation.item.truncate` at the playback position), so
 * that the model's context holds only what the user heard: the server keeps the audio up to that
 * point and drops the transcript (protocol.md §7.7). Audio items of the cancelled response that
 * were never played are deleted. Every app used to write this itself (the playground's
 * truncation gate), with its races: a truncate sent while its response still streams races the
 * generator, and a cancel the server's own VAD beat is refused with `response_cancel_not_active`.
 * @module
 */
import type { PlaybackPosition, PlaybackTracker } from './playback.js';
import type { RealtimeResponse } from './responses/tree.js';
import type { TruncateArgs } from './session-api.js';
import { VoxwireError } from './errors.js';

/** Options of `session.interrupt()`. */
export interface InterruptOptions {
  /**
   * Send `response.cancel` for the response in progress. A cancel the server answers with
   * `response_cancel_not_active` (server VAD's `interruptResponse` cancelled it first, or it had
   * just ended) is expected here and not reported on `error`.
   * @default true
   */
  cancel?: boolean | undefined;
  /**
   * Where playback stopped, when the app knows it better than `session.playback` (a player that
   * reports its position only when asked, say). `playedMs` is floored, and capped at the audio
   * received. `null`: nothing is playing (nothing is truncated, and the cancelled response's
   * audio answers were not heard at all), whatever the tracker says or would estimate.
   * @default session.playback.position (reported, or estimated from the clock)
   */
  at?: { itemId: string; contentIndex: number; playedMs: number } | null | undefined;
}

/** What `session.interrupt()` did. */
export interface InterruptResult {
  /** The response a `response.cancel` was sent for; `undefined` when none was in progress. */
  readonly cancelledResponseId: string | undefined;
  /**
   * The answer that was being played, cut to what was heard (`audioEndMs`); `deleted` when
   * nothing of it was heard (a 0 ms truncate deletes), or when a reconnect had re-created it as
   * text: it is then replaced by the text heard (`retoldItemId`, absent when not one whole word
   * was heard). `undefined` when nothing was playing.
   */
  readonly truncated:
    | {
        readonly itemId: string;
        readonly contentIndex: number;
        readonly audioEndMs: number;
        readonly deleted: boolean;
        /** The assistant text item that replaced an answer held as text (see `deleted`). */
        readonly retoldItemId?: string | undefined;
      }
    | undefined;
  /** Audio items of the cancelled response that were never played, deleted. */
  readonly deletedItemIds: readonly string[];
  /**
   * Over WebRTC (`session.audioPath === 'media'`): the response whose audio the server was told to
   * cut (`output_audio_buffer.clear`); the server, which played it, cuts the answer at what was
   * heard, so `truncated` and `deletedItemIds` stay empty. `undefined` over a WebSocket, when
   * nothing was playing, and when an earlier `interrupt()` already sent the clear for that
   * response (its `output_audio_cleared` not yet arrived).
   */
  readonly clearedResponseId?: string | undefined;
}

/** What the interruption needs from the session. */
export interface InterruptHost {
  readonly playback: PlaybackTracker;
  /** Responses in progress, oldest first. */
  activeResponses(): readonly RealtimeResponse[];
  /** Responses in progress and retained. */
  responses(): readonly RealtimeResponse[];
  /**
   * Sends `response.cancel` for `responseId`; its `response_cancel_not_active` is not reported.
   * `false` (nothing sent) when an earlier interruption cancelled that response already.
   */
  cancelQuietly(responseId: string): boolean;
  /** Whole ms of audio received for the content part, when known. */
  receivedAudioMs(itemId: string, contentIndex: number): number | undefined;
  /** Whether the item is in the conversation (an out-of-band response's items never are). */
  inConversation(itemId: string): boolean;
  /** Whether the server holds the part as text: a reconnect re-created the answer. */
  heldAsText(itemId: string, contentIndex: number): boolean;
  /**
   * Replaces an answer held as text by the text heard in its first `audioEndMs`: the new item's
   * id, `undefined` when it was only deleted, `null` when nothing was done (transcript unknown),
   * `false` when nothing was heard beyond what a restore's text tells (nothing to cut).
   */
  retell(
    itemId: string,
    contentIndex: number,
    audioEndMs: number,
  ): Promise<string | undefined | null | false>;
  /**
   * Cuts the audio part at `audioEndMs` (0 ms: deletes the item); `false` when there was nothing
   * left to cut (see `interrupt-cut.ts`: during an outage the cut is made in the mirror).
   */
  truncate(args: TruncateArgs): Promise<boolean>;
  /**
   * Deals with every conversation create asked for before the barge-in and not started (the
   * app's creates, tool follow-ups): one not written yet is not sent (a `generate()` request
   * is, see `responses/stale-creates.ts`); a written one has its response cancelled the moment
   * it starts (a tagged create's, or an untagged one's when the server starts no responses of
   * its own). `false` when there is none.
   */
  cancelWhenStarted(): boolean;
  /**
   * The interruption before this one, settled either way (never rejects): this one's truncates
   * and deletes go after its own, so that two in quick succession do not both delete the same
   * unheard answer (the second delete would be refused, `item_not_found`).
   */
  readonly previous: Promise<unknown>;
}

function checkAt(at: InterruptOptions['at']): PlaybackPosition | null | undefined {
  if (at === undefined || at === null) return at;
  if (
    typeof at !== 'object' ||
    typeof at.itemId !== 'string' ||
    at.itemId === '' ||
    !(Number.isInteger(at.contentIndex) && at.contentIndex >= 0) ||
    !(at.playedMs >= 0 && at.playedMs < Infinity)
  ) {
    throw new VoxwireError(
      'INVALID_ARGUMENT',
      'interrupt({ at }) needs { itemId, contentIndex, playedMs ≥ 0 }',
      { data: { argument: 'at' } },
    );
  }
  return { ...at, source: 'reported' };
}

function responseOf(
  responses: readonly RealtimeResponse[],
  itemId: string,
): RealtimeResponse | undefined {
  return responses.find((r) => r.output.some((o) => o?.itemId === itemId));
}

/**
 * Whether `response` is known to be out of band: its create asked for that (a tagged create,
 * known before it has any output), else it has output and none of it is in the conversation.
 */
function outOfBand(
  response: RealtimeResponse,
  inConversation: (itemId: string) => boolean,
): boolean {
  if (response.outOfBand !== undefined) return response.outOfBand;
  const items = response.output.filter((o) => o !== undefined);
  return items.length > 0 && items.every((o) => !inConversation(o.itemId));
}

/** Whether `response` has audio output (an out-of-band answer the app may be speaking). */
function speaks(response: RealtimeResponse): boolean {
  return response.output.some((o) => o?.content.some((c) => c?.contentType === 'audio'));
}

/**
 * The response in progress the interruption cancels: the one whose answer is being played; else
 * the newest not known to be out of band (one runs beside the conversation's, a topic label or a
 * moderation pass the app asked for, and is not what the user talks over, however recently it
 * started); else the newest (an app may speak out-of-band answers), unless an answer in the
 * conversation is being played and it has no audio: that answer finished generating before the
 * app labelled it (a pass started on `response_done`), and the user talks over the answer, not
 * over text nobody hears.
 */
export function toCancel(
  active: readonly RealtimeResponse[],
  at: PlaybackPosition | undefined,
  inConversation: (itemId: string) => boolean,
): RealtimeResponse | undefined {
  const playing = at === undefined ? undefined : responseOf(active, at.itemId);
  if (playing !== undefined) return playing;
  for (let i = active.length - 1; i >= 0; i--)
    if (!outOfBand(active[i]!, inConversation)) return active[i];
  const newest = active.at(-1);
  if (newest !== undefined && at !== undefined && inConversation(at.itemId) && !speaks(newest))
    return undefined;
  return newest;
}

/**
 * The audio answers of `response` the player had not reached: those after the one being played
 * (the player plays a response's answers in order, so the ones before it were heard whole); all
 * of them when the one being played belongs to an earlier response, or when the app says nothing
 * is playing. None when nothing is playing by the clock's estimate: it has played them out.
 */
function notReached(
  response: RealtimeResponse,
  at: PlaybackPosition | undefined,
  known: boolean,
): string[] {
  if (at === undefined && !known) return [];
  const audio = response.output.filter(
    (o) =>
      o !== undefined && o.content.some((c) => c?.contentType === 'audio' && c.audioSamples > 0),
  );
  const playing = at === undefined ? -1 : audio.findIndex((o) => o.itemId === at.itemId);
  return audio.slice(playing + 1).map((o) => o.itemId);
}

/** Throws `INVALID_ARGUMENT` for options that are not an object, or a `cancel` not a boolean. */
export function checkInterruptOptions(options: InterruptOptions): void {
  if (typeof options !== 'object' || options === null)
    throw new VoxwireError('INVALID_ARGUMENT', 'interrupt options must be an object', {
      data: { argument: 'options' },
    });
  if (options.cancel !== undefined && typeof options.cancel !== 'boolean')
    throw new VoxwireError('INVALID_ARGUMENT', 'interrupt({ cancel }) must be a boolean', {
      data: { argument: 'cancel' },
    });
}

/**
 * Cuts the answer part `at` at `audioEndMs`: a truncate, or, for an answer a reconnect re-created
 * as text while it played on (the server refuses to truncate text), its text cut to what was
 * heard (`interrupt-retell.ts`). `undefined` when there was nothing left to cut.
 */
async function cutAtHeard(
  host: InterruptHost,
  at: PlaybackPosition,
  audioEndMs: number,
): Promise<InterruptResult['truncated']> {
  if (host.heldAsText(at.itemId, at.contentIndex)) {
    const retold = await host.retell(at.itemId, at.contentIndex, audioEndMs);
    // (`false`: a restore's text already tells all that was heard: nothing left to cut)
    if (retold === null || retold === false) return undefined;
    return {
      itemId: at.itemId,
      contentIndex: at.contentIndex,
      audioEndMs,
      deleted: true,
      ...(retold === undefined ? {} : { retoldItemId: retold }),
    };
  }
  const cut = { itemId: at.itemId, contentIndex: at.contentIndex, audioEndMs };
  return (await host.truncate(cut)) ? { ...cut, deleted: audioEndMs === 0 } : undefined;
}

/** Interrupts playback: see the module comment. */
export async function interrupt(
  host: InterruptHost,
  options: InterruptOptions = {},
): Promise<InterruptResult> {
  checkInterruptOptions(options);
  // the position at the moment of the interruption, before anything else moves it; whether it
  // is known (the app's word: given, or reported) rather than estimated from the clock
  const given = checkAt(options.at);
  // a speaker that ran dry mid-answer (`playback.stopped()`) still had the user hear what it
  // played of it: that part is cut there, not taken for unheard and deleted
  const position = given === undefined ? host.playback.position : undefined;
  const drained = given === undefined && position === undefined ? host.playback.drained : undefined;
  const at = given === undefined ? (position ?? drained) : (given ?? undefined);
  const known = given !== undefined || host.playback.reporting;
  // the app clears its speaker along with this call: nothing of that part plays on from here
  host.playback.cleared(at);
  const inConversation = (itemId: string): boolean => host.inConversation(itemId);
  const active = toCancel(host.activeResponses(), at, inConversation);
  // a response an earlier interruption cancelled is that one's to clean up, not this one's
  const cancelled =
    options.cancel !== false && active !== undefined && host.cancelQuietly(active.id)
      ? active
      : undefined;
  // a response asked for before the barge-in and not started yet (the app's create, a tool
  // follow-up) would speak a stale answer over the user's new turn: it is cancelled the moment
  // it starts. Also when a response was in progress: server VAD's, started while the create was
  // on its way (the create's own would have answered it). A create made after this call is not
  // the one looked at here, and is left alone
  if (options.cancel !== false) host.cancelWhenStarted();
  await host.previous;

  let truncated: InterruptResult['truncated'];
  // an out-of-band answer (`conversation: 'none'`) is in no conversation: nothing to cut
  if (at !== undefined && host.inConversation(at.itemId)) {
    // the item is final once its response has ended: a truncate sent while the response still
    // streams races the generator (the server may refuse it, or cut audio that keeps coming)
    const owner = responseOf(host.responses(), at.itemId);
    if (owner !== undefined && !owner.isDone) await owner.done;
    const received = host.receivedAudioMs(at.itemId, at.contentIndex);
    const heard = Math.floor(at.playedMs);
    const audioEndMs = received !== undefined && heard > received ? received : heard;
    // an answer the speaker played to its end before it ran dry was heard whole: nothing to cut
    const heardWhole = at === drained && received !== undefined && audioEndMs >= received;
    if (!heardWhole) truncated = await cutAtHeard(host, at, audioEndMs);
  }

  // the cancelled response's audio answers the player had not reached: nothing of them was heard
  const unheard: string[] = [];
  if (cancelled) {
    if (!cancelled.isDone) await cancelled.done;
    for (const itemId of notReached(cancelled, at, known))
      if (host.inConversation(itemId)) unheard.push(itemId);
  }
  // each is tried; the first failure (the session closed, say) rejects once all were
  const deleted = await Promise.allSettled(
    unheard.map((itemId) => host.truncate({ itemId, contentIndex: 0, audioEndMs: 0 })),
  );
  const failed = deleted.find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  return {
    cancelledResponseId: cancelled?.id,
    truncated,
    deletedItemIds: unheard.filter((_, i) => {
      const outcome = deleted[i]!;
      return outcome.status === 'fulfilled' && outcome.value;
    }),
  };
}
