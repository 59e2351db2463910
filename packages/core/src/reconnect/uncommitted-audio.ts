/**
 * The input audio a server holds but has not committed yet. When the connection drops mid-turn,
 * that audio is gone with the server's buffer: without it the new connection hears the second
 * half of a sentence. The ledger keeps the appends written on the current connection that may
 * still matter, and hands them back for the restore prelude.
 *
 * What "may still matter" depends on turn detection:
 * - manual (`turnDetection: null`): everything since the last commit or clear; the app commits
 *   the whole utterance later;
 * - server or semantic VAD: while the server hears speech, the audio from `audio_start_ms` (which
 *   includes the prefix padding); between turns only a short tail: the prefix padding and the
 *   time the server takes to report speech. That tail is replayed too: the server reports speech
 *   a little after it began, so a drop (or a planned rollover, which waits for a moment that
 *   looks quiet) in that window would otherwise cut the first words of a turn the old server
 *   already held. Between real turns it is a second or so of silence, which a VAD ignores.
 * - a turn the VAD committed, while the server is to answer it by itself and its answer has not
 *   started: the turn too (from its `audio_start_ms`). Lost with the connection before its
 *   answer, it is gone from the old server, and the restore cannot give it back: its user item,
 *   if it got that far, has no transcript yet (transcription finishes after the answer starts).
 *   Written again, it is heard and answered by the fresh server, as a turn cut mid-sentence is;
 *   its old item is left out of the restore ({@link unansweredTurn});
 * - a turn the app committed (push-to-talk), until its answer starts: a drop that took its commit
 *   or its item (a push-to-talk app commits and asks for the answer at once) would leave the
 *   app's `response.create`, sent again after the restore, to answer nothing. The turn is written
 *   again with its commit, before the requests sent again.
 *
 * Apart from what may be replayed, the audio of a turn the VAD committed is kept until its
 * transcript comes (with input transcription on): the real server transcribes a turn beside its
 * answer, and a drop before the transcript leaves the restore nothing to give the turn back as.
 * That turn was heard and answered, so it is not replayed; the restore sends it as the audio it
 * was instead ({@link turnAudio}).
 * Either way at most `maxMs` of audio is kept (the newest). Appends are kept as text in an
 * {@link AppendRing} (byte chunks and typed arrays, no object per append: see there why), and
 * a replay writes fresh events equal to the ones written.
 *
 * Each append is counted in the input format it was encoded in (960 bytes are 20 ms of PCM16 but
 * 120 ms of G.711), so offsets stay in the server's input time across a format change. A replay
 * carries only the newest run of appends in the format the fresh server reads when it gets them:
 * bytes of another format would be heard as noise, and converting them would pass off as the
 * old server's buffer something it never held (what a server does with its buffer when the
 * format changes is not documented).
 * @module
 */
import type { AudioFrame, ClientEvent, Clock } from '@voxwire/protocol';
import { base64DecodedLength } from '@voxwire/protocol';
import { formatSampleRate, type AudioFormatName, type RealtimeSessionOptions } from '../options.js';
import { AppendRing } from './append-ring.js';
import { decodedTurn, pendingCommits, turnAppends, type Boundary } from './turn-appends.js';

/** The session options the ledger follows: input format and turn detection. */
export type LedgerOptions = Pick<RealtimeSessionOptions, 'inputAudioFormat' | 'turnDetection'>;

/** How long after speech begins the server reports it, at most (a generous bound), ms. */
const VAD_REPORT_DELAY_MS = 1_000;

/** A turn the VAD committed: its user item, and where its audio begins and ends (ms). */
interface CommittedTurn {
  readonly itemId: string;
  readonly fromMs: number;
  readonly toMs: number;
}

/** What the session awaits after a VAD commit (`UncommittedAudio.committed`). */
export interface CommitExpectations {
  /** The server answers the turn by itself, and its answer has not started. @default false */
  readonly answerAwaited?: boolean | undefined;
  /** Input transcription is on: the turn's transcript is to come. @default false */
  readonly transcriptAwaited?: boolean | undefined;
  /**
   * No transcript will come (input transcription off) and the mirror keeps the turn as the audio
   * it was: the turn's audio is handed back, decoded (see `spoken-turns.ts`). @default false
   */
  readonly audioWanted?: boolean | undefined;
}

/** A committed turn whose answer has not started (see `UncommittedAudio.unansweredTurn`). */
interface UnansweredTurn {
  readonly itemId: string;
  readonly fromMs: number;
  /** Where the app's commit ended it. @default undefined (the VAD's: where its speech stopped) */
  readonly toMs?: number | undefined;
  readonly manual: boolean;
  readonly commitId?: string | undefined;
}

/** The uncommitted input audio of one connection. */
export class UncommittedAudio {
  readonly #maxMs: number;
  // the appends kept (oldest first), each with its input format and start and end offsets (ms)
  readonly #kept = new AppendRing();
  #writtenMs = 0;
  #committedMs = 0;
  #speechStartMs: number | undefined;
  // where the server's buffer ends at each commit or clear written and not yet acknowledged
  // (oldest first): audio written after one, before its acknowledgement, is still pending
  #boundaries: Boundary[] | undefined;
  // the end of the turn the server VAD last closed: where its own commit cuts
  #speechEndMs: number | undefined;
  // …and the user item its commit will make (the VAD's `committed` names it)
  #speechEndItemId: string | undefined;
  // the turn the VAD committed whose answer has not started (the server answers it by itself)
  // (`manual`: one the app committed, whose commit `commit` ended it at `toMs`)
  #unanswered: UnansweredTurn | undefined;
  // the turns the VAD committed whose transcript has not come, oldest first (made on the first)
  #untranscribed: CommittedTurn[] | undefined;
  // where the audio the socket still held unsent at the last write begins (undefined: it held
  // none): the server has not heard it, whatever the tail rule between turns says
  #unsentFromMs: number | undefined;
  // a restore's replay and the audio queued during the outage are written at once: the server
  // gets them all together and has had no time to report speech in any of it, so until the
  // report delay has passed in clock time the tail rule between turns keeps all of it (the
  // clock is read per append only during that hold)
  #heldUntil: number | undefined;

  /** @param maxMs most audio kept, ms (0 keeps none and replays nothing) */
  constructor(maxMs: number) {
    this.#maxMs = maxMs;
  }

  /** Audio kept for a replay, ms. */
  get keptMs(): number {
    return this.#kept.length === 0 ? 0 : this.#writtenMs - this.#kept.startMs(0);
  }

  /**
   * An `input_audio_buffer.append` was written to the socket under `options`, its audio in
   * `format` (when known: the engine's own appends; else the options' input format).
   * `unsentBytes`: what the socket holds unsent after the write (its `bufferedAmount`): the
   * newest appends of that size have not reached the server, and are kept for a replay whatever
   * the turn (a network that died without a close takes them; see `backpressure.drainTimeoutMs`).
   * `clock`: the time of the write (a restore's burst is kept as a whole until the
   * server has had the time to report speech in it).
   */
  wrote(
    event: ClientEvent & { readonly audio: string },
    options: LedgerOptions,
    format: AudioFormatName = options.inputAudioFormat,
    unsentBytes = 0,
    clock?: Clock,
  ): void {
    if (this.#maxMs === 0) return;
    const bytes = base64DecodedLength(event.audio);
    const samples = format === 'pcm16' ? bytes >> 1 : bytes;
    const rate = formatSampleRate(format);
    const startMs = this.#writtenMs;
    this.#writtenMs = startMs + (samples * 1000) / rate;
    this.#kept.push(event, format, startMs, this.#writtenMs);
    if (this.#heldUntil !== undefined && (clock === undefined || clock.now() >= this.#heldUntil))
      this.#heldUntil = undefined;
    this.#unsentFromMs = unsentBytes > 0 ? this.#unsentFrom(unsentBytes) : undefined;
    this.#trim(this.#retainFrom(this.#keepFrom(options)));
  }

  // where the newest appends holding `bytes` of audio text begin
  #unsentFrom(bytes: number): number {
    const kept = this.#kept;
    let i = kept.length - 1;
    for (let sum = kept.audioBytes(i); sum < bytes && i > 0; sum += kept.audioBytes(i)) i--;
    return kept.startMs(i);
  }

  /** An `input_audio_buffer.commit` or `.clear` was written: the buffer ends here for it. */
  wroteBoundary(eventId: string | undefined, kind: Boundary['kind'] = 'commit'): void {
    (this.#boundaries ??= []).push({ eventId, atMs: this.#writtenMs, kind });
  }

  /** The server refused the client event `eventId`: a commit or clear it was will not be acknowledged. */
  refused(eventId: string): void {
    const boundaries = this.#boundaries;
    if (boundaries === undefined) return;
    const i = boundaries.findIndex((b) => b.eventId === eventId);
    if (i >= 0) boundaries.splice(i, 1);
    if (boundaries.length === 0) this.#boundaries = undefined;
  }

  /**
   * The server committed its buffer (`item_id` names the user item it made). A commit of the
   * VAD's own (the item of the last `speech_stopped`) ends where the turn ended, and answers no
   * commit or clear of the app's: one of those written meanwhile is still to be acknowledged
   * (taking its boundary here would make that acknowledgement cut at the newest audio, and what
   * was written after it, the next turn, would be lost on a drop). Any other commit
   * acknowledges the app's oldest boundary. `answerAwaited`: the server answers the VAD's turn
   * by itself, and the turn's audio is kept until {@link answerStarted}. Returns the turn's
   * audio (as {@link turnAudio} does) when `audioWanted` and the turn's bounds are known.
   */
  committed(
    itemId: string | undefined,
    {
      answerAwaited = false,
      transcriptAwaited = false,
      audioWanted = false,
    }: CommitExpectations = {},
  ): AudioFrame | undefined {
    if (itemId !== undefined && itemId === this.#speechEndItemId) {
      const end = this.#speechEndMs ?? this.#writtenMs;
      const fromMs = this.#speechStartMs ?? this.#committedMs;
      // a newer turn takes the place of one still unanswered: the restore holds that one
      this.#unanswered = answerAwaited ? { itemId, fromMs, manual: false } : undefined;
      if (transcriptAwaited && this.#maxMs > 0)
        (this.#untranscribed ??= []).push({ itemId, fromMs, toMs: end });
      // (read before the cut lets it go)
      const audio = audioWanted ? decodedTurn(this.#kept, fromMs, end) : undefined;
      this.#speechEndMs = this.#speechEndItemId = undefined;
      this.#cut(end);
      return audio;
    }
    // the app's commit (push-to-talk): its answer is the app's request, and a drop before that
    // starts may also take the turn's item with it (`takeReplay`)
    // (recorded before the acknowledgement cuts: the cut keeps what the records need)
    const boundary = this.#boundaries?.[0];
    let audio: AudioFrame | undefined;
    if (itemId !== undefined && boundary?.kind === 'commit' && this.#maxMs > 0) {
      const fromMs = this.#committedMs;
      const toMs = boundary.atMs;
      this.#unanswered = { itemId, fromMs, toMs, manual: true, commitId: boundary.eventId };
      if (transcriptAwaited) (this.#untranscribed ??= []).push({ itemId, fromMs, toMs });
      if (audioWanted) audio = decodedTurn(this.#kept, fromMs, toMs);
    }
    this.#acknowledged();
    return audio;
  }

  /** A response started: the turn the VAD committed is being answered, its audio no longer kept. */
  answerStarted(): void {
    if (this.#unanswered === undefined) return;
    this.#unanswered = undefined;
    this.#trim(this.#retainFrom(this.#committedMs));
  }

  /** The transcript of user item `itemId` came (or failed, or the item is gone): its audio is not kept for it. */
  transcribed(itemId: string): void {
    const turns = this.#untranscribed;
    if (turns === undefined) return;
    const i = turns.findIndex((turn) => turn.itemId === itemId);
    if (i < 0) return;
    turns.splice(i, 1);
    if (turns.length === 0) this.#untranscribed = undefined;
    this.#trim(this.#retainFrom(this.#committedMs));
  }

  /** The user items of the turns committed whose transcript has not come (oldest first). */
  untranscribedTurns(): readonly string[] {
    return this.#untranscribed?.map((turn) => turn.itemId) ?? [];
  }

  /**
   * The audio of the committed turn `itemId` whose transcript has not come, as mono PCM16 at its
   * format's rate; `undefined` when less than half of it is kept (older than `maxMs`) or it was
   * written in two formats. Its start may be missing (a turn longer than `maxMs`): what goes
   * first is the prefix padding, silence before the words.
   */
  turnAudio(itemId: string): AudioFrame | undefined {
    const turn = this.#untranscribed?.find((t) => t.itemId === itemId);
    return turn === undefined ? undefined : decodedTurn(this.#kept, turn.fromMs, turn.toMs);
  }

  /**
   * The turn committed and not answered yet (`committed`): the VAD's, which the next replay
   * writes again (its item is not to be restored beside its audio), or the app's (`manual`),
   * which it writes again with its commit when asked to (its item never reached the mirror).
   */
  get unansweredTurn(): { readonly itemId: string; readonly manual: boolean } | undefined {
    return this.#unanswered;
  }

  /**
   * A restore is written at `nowMs`: its replay with the audio queued during the outage, all at
   * once (see `#heldUntil`).
   */
  restoring(nowMs: number): void {
    this.#heldUntil = nowMs + VAD_REPORT_DELAY_MS;
  }

  /** The server cleared its buffer: the app's oldest commit or clear is acknowledged. */
  cleared(): void {
    this.#acknowledged();
  }

  // what the server took ends where the commit or clear it acknowledges was written: audio
  // written after that, before this acknowledgement came back, is still pending on the server
  #acknowledged(): void {
    const boundary = this.#boundaries?.shift()?.atMs ?? this.#speechEndMs ?? this.#writtenMs;
    if (this.#boundaries?.length === 0) this.#boundaries = undefined;
    this.#speechEndMs = this.#speechEndItemId = undefined;
    this.#cut(boundary);
  }

  #cut(boundary: number): void {
    this.#committedMs = Math.max(this.#committedMs, boundary);
    if (this.#speechStartMs !== undefined && this.#speechStartMs < boundary)
      this.#speechStartMs = undefined;
    this.#trim(this.#retainFrom(this.#committedMs));
  }

  /** The server heard speech begin at `audioStartMs` of this connection's input audio. */
  speechStarted(audioStartMs: number): void {
    this.#speechStartMs = audioStartMs;
  }

  /** The server heard speech end at `audioEndMs` (its VAD commits up to there, as item `itemId`). */
  speechStopped(audioEndMs: number, itemId?: string): void {
    this.#speechEndMs = audioEndMs;
    this.#speechEndItemId = itemId;
  }

  /**
   * The appends to write again on a new connection (oldest first) and their duration; the
   * ledger starts afresh for the new connection. Between VAD turns only the short tail. Only
   * the newest appends in `format` (the input format of the fresh server when the replay
   * reaches it) come back: `skippedMs` is the audio left out because it is in another format.
   *
   * A commit written and not acknowledged (push-to-talk: the drop took the ack) went with the old
   * server: `committed` is the audio it took and the commit again, for the restore to write before
   * the requests it sends again (the app's `response.create` for that turn among them); the audio
   * before a clear not acknowledged is not replayed at all. `events` is what follows the last
   * such commit or clear.
   */
  takeReplay(
    options: LedgerOptions,
    format: AudioFormatName,
    appTurn = false,
  ): { committed: ClientEvent[]; events: ClientEvent[]; ms: number; skippedMs: number } {
    const from = this.#keepFrom(options);
    const events: ClientEvent[] = [];
    let ms = 0;
    let skippedMs = 0;
    // newest first: the run in `format` ends at the first append of another format (a run of
    // `format` before that is older audio, separated from the rest by what cannot be sent)
    let run = true;
    const kept = this.#kept;
    for (let i = kept.length - 1; i >= 0; i--) {
      const endMs = kept.endMs(i);
      if (endMs <= from) break;
      run &&= kept.format(i) === format;
      if (run) {
        events.push(kept.event(i));
        ms += endMs - kept.startMs(i);
      } else {
        skippedMs += endMs - Math.max(kept.startMs(i), from);
      }
    }
    events.reverse();
    const committed = pendingCommits(this.#kept, this.#boundaries, events);
    // the app's turn whose item the drop took: its audio and its commit, before all that
    const turn = this.#unanswered;
    if (appTurn && turn?.manual === true) {
      const again = this.#appTurn(turn, format);
      ms += again.ms;
      committed.unshift(...again.events);
    }
    // a new connection's input starts at 0 with nothing pending
    this.#writtenMs = 0;
    this.#committedMs = 0;
    this.#speechStartMs = this.#speechEndMs = this.#speechEndItemId = this.#boundaries = undefined;
    this.#unanswered = this.#untranscribed = this.#unsentFromMs = undefined;
    this.#heldUntil = undefined;
    kept.clear();
    return { committed, events, ms: Math.round(ms), skippedMs: Math.round(skippedMs) };
  }

  // the appends of the app's committed turn `turn`, in `format`, and its commit
  #appTurn(turn: UnansweredTurn, format: AudioFormatName): { events: ClientEvent[]; ms: number } {
    const { events, ms } = turnAppends(this.#kept, turn.fromMs, turn.toMs ?? Infinity, format);
    if (events.length > 0)
      events.push({
        type: 'input_audio_buffer.commit',
        ...(turn.commitId === undefined ? {} : { event_id: turn.commitId }),
      });
    return { events, ms };
  }

  // the earliest input offset still worth keeping (and replaying)
  #keepFrom(options: LedgerOptions): number {
    const from = this.#keepFromPending(options);
    // the app's turn is written again with its commit, apart (`#appTurn`)
    const turn = this.#unanswered?.manual === true ? undefined : this.#unanswered?.fromMs;
    return turn === undefined || turn >= from
      ? from
      : Math.max(turn, this.#writtenMs - this.#maxMs);
  }

  // the earliest offset of the audio the server has not committed (and its tail), or has not
  // been sent at all
  #keepFromPending(options: LedgerOptions): number {
    const from = this.#keepFromHeard(options);
    const unsent = this.#unsentFromMs;
    if (unsent === undefined || unsent >= from) return from;
    return Math.max(unsent, this.#committedMs, this.#writtenMs - this.#maxMs);
  }

  // …as far as what was sent is concerned
  #keepFromHeard(options: LedgerOptions): number {
    const newest = this.#writtenMs - this.#maxMs;
    const td = options.turnDetection;
    if (td === null) return Math.max(this.#committedMs, newest);
    const speech = this.#speechStartMs;
    // `audio_start_ms` already includes the prefix padding (the API says so; the fake agrees)
    if (speech !== undefined) return Math.max(this.#committedMs, speech, newest);
    // semantic VAD has no padding setting: assume the server VAD's default
    const padMs = td.type === 'server_vad' ? (td.prefixPaddingMs ?? 300) : 300;
    // a restore's burst, until the server has had the time to report speech in it (see there)
    if (this.#heldUntil !== undefined) return Math.max(this.#committedMs, newest);
    return Math.max(this.#committedMs, this.#writtenMs - padMs - VAD_REPORT_DELAY_MS, newest);
  }

  // what to keep from, given where a replay would start: the untranscribed turns too, as far as
  // `maxMs` allows
  #retainFrom(replayFromMs: number): number {
    const turns = this.#untranscribed;
    const turnFrom = this.#unanswered?.fromMs ?? Infinity;
    if (turns === undefined)
      return turnFrom >= replayFromMs
        ? replayFromMs
        : Math.max(turnFrom, this.#writtenMs - this.#maxMs);
    const newest = this.#writtenMs - this.#maxMs;
    // a turn whose audio `maxMs` let go is not waited for (a transcript that never comes, with
    // transcription refused by the server, must not keep a record per turn)
    while (turns.length > 0 && turns[0]!.toMs <= newest) turns.shift();
    if (turns.length === 0) this.#untranscribed = undefined;
    let from = Math.min(replayFromMs, turnFrom);
    for (const turn of turns) if (turn.fromMs < from) from = turn.fromMs;
    return Math.max(from, newest);
  }

  #trim(fromMs: number): void {
    const kept = this.#kept;
    while (kept.length > 0 && kept.endMs(0) <= fromMs) kept.shift();
  }
}
