/**
 * One page connection = one realtime session running here, in the server. Page messages are
 * validated (valibot) and turned into session calls; session events are turned into page
 * messages. A bad page message gets an `error` back and the session goes on. Outgoing messages
 * go through {@link PageOutput} (secrets scrubbed, backlog bounded), settings through
 * {@link SettingsUpdates}, unfinished user transcriptions through {@link UserTranscripts}.
 * @module
 */
import { RealtimeModel } from '@voxwire/core';
import type { RealtimeSession } from '@voxwire/core';
import { audioFrame, samplesToMs } from '@voxwire/protocol';
import type { Clock } from '@voxwire/protocol';
import * as v from 'valibot';
import type { PageMessage, ServerMessage } from '../shared/page-messages.js';
import { PageMessageSchema } from '../shared/page-messages.js';
import type { DemoTool } from './demo-tools.js';
import type { PageBacklogOptions } from './page-backlog.js';
import { ErrorReports } from './error-reports.js';
import { summarizeEvent } from './log-summary.js';
import { interruptFromPage } from './page-interrupt.js';
import type { ItemCut } from './page-interrupt.js';
import { PageOutput } from './page-output.js';
import type { PageSocket } from './page-output.js';
import type { ProviderRuntime } from './provider.js';
import { ResponseForwarder } from './response-forwarder.js';
import { initialSettings } from './session-settings.js';
import { SettingsUpdates } from './settings-updates.js';
import { UserTranscripts } from './user-transcripts.js';

export { PAGE_TOO_SLOW_CODE } from './page-output.js';
export type { PageSocket } from './page-output.js';

/** Options of {@link PageSession}. */
export interface PageSessionOptions {
  socket: PageSocket;
  provider: ProviderRuntime;
  /** Strings that must never reach the page (API keys). @default [] */
  secrets?: readonly string[];
  /** The demo tools. @default [] */
  tools?: readonly DemoTool[];
  /** Wall clock for log times and timelines. @default Date.now */
  now?: () => number;
  /** The realtime session's clock (tests pass a simulated one). @default the system clock */
  clock?: Clock | undefined;
  /** How much may wait for a page that does not read. @default the defaults of {@link PageBacklogOptions} */
  backlog?: PageBacklogOptions | undefined;
}

/** Longest binary audio frame the page may send: 1 s of 24 kHz PCM16 (the page sends 40 ms). */
const MAX_AUDIO_BYTES = 48_000;
/** The server refuses commits under 100 ms; say so before asking it. */
const MIN_COMMIT_MS = 100;

function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .slice(0, 3)
    .map((i) => `${v.getDotPath(i) ?? '(message)'}: ${i.message}`)
    .join('; ');
}

/** Bridges one page socket and one realtime session. */
export class PageSession {
  private readonly session: RealtimeSession;
  private readonly now: () => number;
  private readonly forwarder: ResponseForwarder;
  private readonly output: PageOutput;
  /** User turns whose transcription has not ended yet. */
  private readonly transcripts: UserTranscripts;
  /** The settings in effect and the page's updates to them. */
  private readonly settings: SettingsUpdates;
  /** Errors on their way to the page, once each (an outage's cause goes with the outage). */
  private readonly errors = new ErrorReports((m) => {
    if (!this.closed) this.output.send(m);
  });
  /** Milliseconds appended since the last commit/clear, to refuse a too-short push-to-talk turn locally. */
  private bufferedMs = 0;
  private closed = false;
  // core's session ended for good (a refused key, retries used up): frames still in flight from
  // the page's microphone have nowhere to go
  private sessionEnded = false;
  /**
   * The page's latest interruption while it is under way, settled either way (`undefined` once
   * it is over). Core runs interruptions one after the other, so it settles after every one
   * before it. A turn the page sends afterwards waits for it, so the next answer is asked for
   * with the cut answers already cut to what was heard (core does not hold turns back itself).
   */
  private interrupting: Promise<void> | undefined;

  constructor(private readonly options: PageSessionOptions) {
    this.now = options.now ?? (() => Date.now());
    this.output = new PageOutput({
      socket: options.socket,
      secrets: options.secrets,
      backlog: options.backlog,
      onTooSlow: () => void this.dispose(),
    });
    this.transcripts = new UserTranscripts((m) => this.send(m));
    this.forwarder = new ResponseForwarder(
      (m) => this.send(m),
      this.now,
      (e) => this.reportError(e),
    );
    this.settings = new SettingsUpdates({
      initial: initialSettings(options.provider.transcription),
      tools: options.tools ?? [],
      transcriptionAvailable: options.provider.transcription,
      send: (m) => this.send(m),
      log: (eventType, summary) => this.log('client', eventType, summary),
    });
    const model = new RealtimeModel({
      connector: options.provider.connector(),
      ...(options.clock ? { clock: options.clock } : {}),
      ...this.settings.sessionOptions(this.settings.current),
    });
    this.session = model.session();
    this.settings.attach(this.session);
    this.subscribe();
    this.send({
      type: 'hello',
      provider: options.provider.info,
      settings: this.settings.current,
      transcriptionAvailable: options.provider.transcription,
    });
  }

  /** Sends a message to the page (scrubbed, within its backlog budget) until the page goes away. */
  private send(message: ServerMessage): void {
    if (this.closed) return;
    // an error held back (in case it is an outage's cause) goes first: the page hears in order
    this.errors.flush();
    this.output.send(message);
  }

  private log(direction: 'client' | 'app', eventType: string, summary: string): void {
    this.send({ type: 'log', at: this.now(), direction, eventType, summary });
  }

  private pageError(code: string, message: string): void {
    this.send({ type: 'error', source: 'page', code, message });
  }

  private reportError(error: unknown): void {
    this.errors.report(error);
  }

  private subscribe(): void {
    const s = this.session;
    const f = this.forwarder;
    s.on('connecting', ({ attempt }) =>
      this.send({
        type: 'link',
        state: 'connecting',
        ...(attempt > 0 ? { detail: `attempt ${attempt + 1}` } : {}),
      }),
    );
    s.on('connected', () => this.send({ type: 'link', state: 'connected' }));
    s.on('reconnecting', ({ delayMs, cause }) =>
      this.send({
        type: 'link',
        state: 'reconnecting',
        detail: `${cause.message} — retrying in ${delayMs} ms`,
      }),
    );
    s.on('reconnected', () =>
      this.send({ type: 'link', state: 'connected', detail: 'reconnected' }),
    );
    s.on('disconnected', ({ code, reason, error }) => {
      // core reported `error` just before: it is this outage's cause, told with the link (one
      // toast per outage on the page), so claimed before anything else is sent
      if (error) this.errors.claim(error);
      // the transcriptions the lost connection was running end with it: a reconnect restores
      // the items, not the transcription jobs, so no completed/failed will ever come for them
      this.transcripts.endAll('the connection was lost');
      this.send({
        type: 'link',
        state: 'disconnected',
        detail: error ? error.message : `${code}${reason ? ` ${reason}` : ''}`,
      });
    });
    s.on('closed', ({ error }) => {
      this.sessionEnded = true;
      this.send({ type: 'link', state: 'closed', ...(error ? { detail: error.message } : {}) });
      if (error) this.reportError(error);
    });
    s.on('error', (error) => this.reportError(error));
    s.on('server_event', (tapped) => {
      const raw =
        tapped.kind === 'event' ? (tapped.event as unknown as Record<string, unknown>) : tapped.raw;
      const type = tapped.kind === 'event' ? tapped.event.type : tapped.type;
      this.send({
        type: 'log',
        at: this.now(),
        direction: 'server',
        eventType: type,
        summary: summarizeEvent(raw),
      });
      const itemId = typeof raw.item_id === 'string' ? raw.item_id : '';
      if (type === 'conversation.item.input_audio_transcription.delta') {
        this.transcripts.delta(itemId, String(raw.delta ?? ''));
      } else if (type === 'conversation.item.deleted') {
        // a deleted item is never transcribed to the end (protocol.md §7.6 sends nothing more)
        this.transcripts.end(itemId, 'the item was deleted');
      }
    });
    s.on('input_speech_started', ({ itemId, audioStartMs }) =>
      this.send({ type: 'speech_started', itemId, audioStartMs }),
    );
    s.on('input_speech_stopped', ({ itemId, audioEndMs }) =>
      this.send({ type: 'speech_stopped', itemId, audioEndMs }),
    );
    s.on('input_speech_committed', ({ itemId }) => {
      this.bufferedMs = 0;
      // the server transcribes a committed turn only while transcription is configured (§7.6)
      const transcribing = this.settings.current.inputAudioTranscription !== null;
      if (transcribing) this.transcripts.committed(itemId);
      this.send({ type: 'committed', itemId, transcribing });
    });
    s.on('input_speech_transcription_completed', ({ itemId, transcript }) => {
      this.transcripts.settled(itemId);
      this.send({ type: 'user_transcript', itemId, text: transcript, final: true });
    });
    s.on('input_speech_transcription_failed', ({ itemId, message }) => {
      this.transcripts.settled(itemId);
      this.send({
        type: 'user_transcript',
        itemId,
        text: `(transcription failed: ${message})`,
        final: true,
      });
    });
    s.on('response_created', (r) => f.created(r));
    s.on('response_output_added', (o) => f.outputAdded(o));
    s.on('response_content_added', (c) => f.contentAdded(c));
    s.on('response_done', (r) => f.done(r));
    s.on('metrics_collected', (m) => f.metrics(m));
    s.on('function_calls_collected', (calls) => {
      for (const c of calls)
        this.send({
          type: 'tool_call',
          responseId: c.responseId ?? null,
          callId: c.callId,
          name: c.name,
          arguments: c.arguments,
        });
    });
    s.on('function_calls_finished', (calls) => {
      for (const c of calls) {
        this.send({
          type: 'tool_result',
          callId: c.call.callId,
          name: c.call.name,
          output: c.output,
          ok: c.error === undefined,
        });
      }
    });
  }

  /** A frame from the page. Never throws: bad input becomes an `error` message. */
  receive(data: string | Uint8Array, isBinary: boolean): void {
    if (this.closed) return;
    if (isBinary || typeof data !== 'string') {
      this.receiveAudio(typeof data === 'string' ? new TextEncoder().encode(data) : data);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      this.pageError('BAD_MESSAGE', 'message is not valid JSON');
      return;
    }
    const parsed = v.safeParse(PageMessageSchema, json);
    if (!parsed.success) {
      this.pageError('BAD_MESSAGE', `refused page message: ${describeIssues(parsed.issues)}`);
      return;
    }
    this.handle(parsed.output).catch((error: unknown) => this.reportError(error));
  }

  private receiveAudio(bytes: Uint8Array): void {
    if (
      bytes.byteLength === 0 ||
      bytes.byteLength % 2 !== 0 ||
      bytes.byteLength > MAX_AUDIO_BYTES
    ) {
      this.pageError(
        'BAD_AUDIO',
        `audio frames must be 2–${MAX_AUDIO_BYTES} bytes of PCM16 (an even count), got ${bytes.byteLength}`,
      );
      return;
    }
    // Copy: a ws Buffer may sit at an odd offset of a shared pool, which Int16Array cannot view.
    const samples = new Int16Array(bytes.byteLength / 2);
    new Uint8Array(samples.buffer).set(bytes);
    // the page stops its microphone when told `closed`; what it sent meanwhile is dropped
    if (this.sessionEnded) return;
    this.bufferedMs += samplesToMs(samples.length);
    try {
      this.session.inputAudioBuffer.append(audioFrame(samples));
    } catch (error) {
      // receive() never throws: a throw here would end the whole server, every tab with it
      this.reportError(error);
    }
  }

  private async handle(message: PageMessage): Promise<void> {
    const s = this.session;
    switch (message.type) {
      case 'settings':
        // one update at a time, each merged onto what the previous one left in effect
        await this.settings.update(message.settings);
        return;
      case 'text': {
        // no await when none runs: the turn keeps its place among the page's other messages
        if (this.interrupting) await this.interrupting;
        if (this.closed) return;
        const item = await s.conversation.item.create({ role: 'user', content: message.text });
        this.send({ type: 'user_text', itemId: itemIdOf(item), text: message.text });
        await s.response.create();
        return;
      }
      case 'ptt_start':
        this.bufferedMs = 0;
        s.inputAudioBuffer.clear();
        this.log('client', 'input_audio_buffer.clear', 'push-to-talk pressed');
        return;
      case 'clear_input':
        this.bufferedMs = 0;
        s.inputAudioBuffer.clear();
        this.log('client', 'input_audio_buffer.clear', 'microphone stopped');
        this.send({ type: 'input_cleared' });
        return;
      case 'ptt_commit':
        if (this.bufferedMs < MIN_COMMIT_MS) {
          this.pageError(
            'TOO_SHORT',
            `hold the button a little longer: ${Math.round(this.bufferedMs)} ms of audio, at least ${MIN_COMMIT_MS} ms are needed`,
          );
          return;
        }
        this.bufferedMs = 0;
        // the turn ends where the person ended it (audio streamed meanwhile is the next turn's);
        // only the answer waits for the interruption before it
        s.inputAudioBuffer.commit();
        this.log('client', 'input_audio_buffer.commit', 'push-to-talk released');
        // no await when none runs: the turn keeps its place among the page's other messages
        if (this.interrupting) await this.interrupting;
        if (this.closed) return;
        await s.response.create();
        return;
      case 'interrupt':
        await this.interrupt(message.cancel, message.items);
        return;
    }
  }

  /**
   * Runs the page's interruption with core's `session.interrupt()` and tells the page what was
   * cut. Registered synchronously (before the first await), so a turn the page sent after it,
   * handled next, already finds it pending.
   */
  private async interrupt(
    cancel: boolean,
    items: Extract<PageMessage, { type: 'interrupt' }>['items'],
  ): Promise<void> {
    const heard = items.map((i) => `${i.itemId} ${Math.floor(i.playedMs)} ms`).join(', ');
    this.log(
      'app',
      'interrupt',
      `${cancel ? 'cancel the response in progress; ' : ''}heard: ${heard || 'nothing playing'}`,
    );
    // every core call is made before the first await: a turn handled next finds it pending
    const running = interruptFromPage(this.session, cancel, items, (cut) => this.cut(cut));
    const settled = running.then(
      () => undefined,
      () => undefined,
    );
    this.interrupting = settled;
    void settled.then(() => {
      if (this.interrupting === settled) this.interrupting = undefined;
    });
    await running;
  }

  private cut(cut: ItemCut): void {
    // a 0 ms truncate is a delete (core sends `conversation.item.delete` for it)
    this.log(
      'client',
      'conversation.item.truncate',
      `${cut.itemId} at ${cut.audioEndMs} ms heard${cut.deleted ? ' (nothing heard: deleted)' : ''}`,
    );
    this.send({ type: 'truncated', ...cut });
  }

  /** The page went away: close the realtime session. */
  async dispose(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.output.stop();
    await this.session.close().catch(() => undefined);
  }
}

function itemIdOf(item: unknown): string {
  if (item && typeof item === 'object' && 'id' in item && typeof item.id === 'string')
    return item.id;
  return '';
}
