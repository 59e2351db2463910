/**
 * One page connection = one realtime session running here, in the server. Page messages are
 * validated (valibot) and turned into session calls; session events are turned into page
 * messages. A bad page message gets an `error` back and the session goes on. Every outgoing
 * frame is scrubbed of the provider's secrets before it leaves, as a last line of defence.
 * @module
 */
import { RealtimeModel } from '@voxwire/core';
import type { RealtimeSession, SessionError } from '@voxwire/core';
import { audioFrame, samplesToMs } from '@voxwire/protocol';
import * as v from 'valibot';
import type {
  FullSettings,
  PageMessage,
  ServerMessage,
  Settings as PageSettings,
} from '../shared/page-messages.js';
import { PageMessageSchema } from '../shared/page-messages.js';
import type { DemoTool } from './demo-tools.js';
import { PageBacklog } from './page-backlog.js';
import type { PageBacklogOptions } from './page-backlog.js';
import { summarizeEvent } from './log-summary.js';
import type { ProviderRuntime } from './provider.js';
import { ResponseForwarder } from './response-forwarder.js';
import { initialSettings, toSessionOptions } from './session-settings.js';

/** The page's end of the link, as the session sees it. */
export interface PageSocket {
  send(text: string): void;
  close(code: number, reason: string): void;
  /**
   * Bytes handed to `send` and not yet written to the network (`ws`'s `bufferedAmount`): how far
   * behind the page is. @default 0 (unknown: nothing is ever dropped)
   */
  readonly bufferedAmount?: number | undefined;
}

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
  /** How much may wait for a page that does not read. @default the defaults of {@link PageBacklogOptions} */
  backlog?: PageBacklogOptions | undefined;
}

/** Close code for a page that stopped reading: a policy of this server, not a protocol error. */
export const PAGE_TOO_SLOW_CODE = 4008;

/** Longest binary audio frame the page may send: 1 s of 24 kHz PCM16 (the page sends 40 ms). */
const MAX_AUDIO_BYTES = 48_000;
/** The server's answer to a `response.cancel` when no response is in progress (protocol.md §7.10). */
const CANCEL_NOT_ACTIVE = 'response_cancel_not_active';
/** Unfinished user transcriptions tracked at once; the oldest is given up beyond that. */
const MAX_OPEN_TRANSCRIPTS = 32;
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
  private readonly secrets: readonly string[];
  private readonly now: () => number;
  private readonly forwarder: ResponseForwarder;
  private readonly backlog: PageBacklog;
  private settings: FullSettings;
  private sessionStarted = false;
  /** Milliseconds appended since the last commit/clear, to refuse a too-short push-to-talk turn locally. */
  private bufferedMs = 0;
  private closed = false;
  // core's session ended for good (a refused key, retries used up): frames still in flight from
  // the page's microphone have nowhere to go
  private sessionEnded = false;
  /**
   * A `response.cancel` the page asked for is still unanswered. The page cancels what it still
   * plays, but the server finishes generating long before playback ends, so the cancel often
   * crosses the response's `response.done` and the server answers `response_cancel_not_active`
   * (protocol.md §7: "This race is common"). That answer means "already over", not a failure.
   */
  private cancelPending = false;
  /** The settings update in progress (settled, never rejected): the next one waits for it. */
  private settingsQueue: Promise<void> = Promise.resolve();

  constructor(private readonly options: PageSessionOptions) {
    this.secrets = (options.secrets ?? []).filter((s) => s.length >= 4);
    this.now = options.now ?? (() => Date.now());
    this.backlog = new PageBacklog(options.backlog);
    this.forwarder = new ResponseForwarder(
      (m) => this.send(m),
      this.now,
      (e) => this.reportError(e),
    );
    this.settings = initialSettings(options.provider.transcription);
    const model = new RealtimeModel({
      connector: options.provider.connector(),
      ...this.sessionOptions(this.settings),
    });
    this.session = model.session();
    this.sessionStarted = true;
    this.subscribe();
    this.send({
      type: 'hello',
      provider: options.provider.info,
      settings: this.settings,
      transcriptionAvailable: options.provider.transcription,
    });
  }

  /** Sends a message to the page, scrubbed of secrets, unless the page is too far behind. */
  private send(message: ServerMessage): void {
    if (this.closed) return;
    const socket = this.options.socket;
    const { verdict, caughtUp } = this.backlog.admit(message, socket.bufferedAmount ?? 0);
    if (verdict === 'close') {
      // everything droppable is dropped and the page still reads nothing: give it up rather than
      // hold its messages (and run its realtime session) for nobody
      socket.close(PAGE_TOO_SLOW_CODE, 'the page stopped reading its messages');
      void this.dispose();
      return;
    }
    if (caughtUp)
      this.write({ type: 'backlog_dropped', audioChunks: caughtUp.audio, logLines: caughtUp.log });
    if (verdict === 'send') this.write(message);
  }

  private write(message: ServerMessage): void {
    let text = JSON.stringify(message);
    for (const secret of this.secrets) text = text.replaceAll(secret, '[redacted]');
    this.options.socket.send(text);
  }

  private log(direction: 'client' | 'app', eventType: string, summary: string): void {
    this.send({ type: 'log', at: this.now(), direction, eventType, summary });
  }

  private pageError(code: string, message: string): void {
    this.send({ type: 'error', source: 'page', code, message });
  }

  /** Errors already shown: core hands the same error to `error`, `disconnected` and `closed`. */
  private readonly reported = new WeakSet<object>();

  private reportError(error: unknown): void {
    if (typeof error === 'object' && error !== null) {
      if (this.reported.has(error)) return;
      this.reported.add(error);
    }
    const e = error as Partial<SessionError> & { message?: string };
    if (this.cancelPending && e.code === CANCEL_NOT_ACTIVE) {
      // the page's cancel arrived after the response had ended: nothing was left to stop
      this.cancelPending = false;
      this.log('app', 'response.cancel', 'the response had already ended: nothing to cancel');
      return;
    }
    const code =
      typeof e.code === 'string' ? e.code : e.name === 'ServerError' ? 'server_error' : 'ERROR';
    const source = e.name === 'ServerError' ? 'provider' : 'engine';
    this.send({ type: 'error', source, code, message: e.message ?? String(error) });
  }

  /** Core's session options for `settings`. */
  private sessionOptions(settings: FullSettings): ReturnType<typeof toSessionOptions> {
    return toSessionOptions(settings, {
      tools: this.options.tools ?? [],
      // Before the session exists (constructor), nothing was sent yet.
      currentNoiseReduction: this.sessionStarted ? this.session.options.noiseReduction : undefined,
    });
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
      // the transcriptions the lost connection was running end with it: a reconnect restores
      // the items, not the transcription jobs, so no completed/failed will ever come for them
      for (const itemId of [...this.partials.keys()])
        this.endTranscript(itemId, 'the connection was lost');
      this.send({
        type: 'link',
        state: 'disconnected',
        detail: `${code}${reason ? ` ${reason}` : ''}`,
      });
      if (error) this.reportError(error);
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
        // Partial user transcripts come only through the tap; core reports the completed one.
        this.partials.set(itemId, (this.partials.get(itemId) ?? '') + String(raw.delta ?? ''));
        this.boundPartials();
        this.send({
          type: 'user_transcript',
          itemId,
          text: this.partials.get(itemId) ?? '',
          final: false,
        });
      } else if (type === 'conversation.item.deleted') {
        // a deleted item is never transcribed to the end (protocol.md §7.6 sends nothing more)
        this.endTranscript(itemId, 'the item was deleted');
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
      const transcribing = this.settings.inputAudioTranscription !== null;
      if (transcribing && !this.partials.has(itemId)) {
        this.partials.set(itemId, '');
        this.boundPartials();
      }
      this.send({ type: 'committed', itemId, transcribing });
    });
    s.on('input_speech_transcription_completed', ({ itemId, transcript }) => {
      this.partials.delete(itemId);
      this.send({ type: 'user_transcript', itemId, text: transcript, final: true });
    });
    s.on('input_speech_transcription_failed', ({ itemId, message }) => {
      this.partials.delete(itemId);
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
    s.on('response_done', (r) => {
      // a cancel that took effect is answered by this response.done; one that crossed it is
      // answered by an error that follows, which then finds no cancel pending and is shown
      if (r.status === 'cancelled') this.cancelPending = false;
      f.done(r);
    });
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

  /**
   * User audio items whose transcription has not ended yet, with the partial text so far. Each
   * ends with `completed`, `failed`, the item's deletion or the connection's loss; the page is
   * told the last three too, so no turn shows "transcribing…" forever.
   */
  private readonly partials = new Map<string, string>();

  /** Ends an unfinished transcription on the page, keeping what was heard of it. */
  private endTranscript(itemId: string, reason: string): void {
    const partial = this.partials.get(itemId);
    if (partial === undefined) return;
    this.partials.delete(itemId);
    this.send({
      type: 'user_transcript',
      itemId,
      text: partial
        ? `${partial} … (transcription cut off: ${reason})`
        : `(no transcript: ${reason})`,
      final: true,
    });
  }

  /** A server that never ends some transcriptions must not grow {@link partials} without end. */
  private boundPartials(): void {
    while (this.partials.size > MAX_OPEN_TRANSCRIPTS)
      this.endTranscript(this.partials.keys().next().value!, 'no result came');
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
      case 'settings': {
        // One update at a time: each partial update merges onto what the previous one left in
        // effect. Merged at arrival, a second update started from the settings before the first
        // and, sent whole, undid it on the server.
        const run = this.settingsQueue.then(() => this.applySettings(message.settings));
        this.settingsQueue = run.catch(() => undefined);
        await run;
        return;
      }
      case 'text': {
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
        s.inputAudioBuffer.commit();
        this.log('client', 'input_audio_buffer.commit', 'push-to-talk released');
        await s.response.create();
        return;
      case 'truncate': {
        const audioEndMs = Math.floor(message.audioEndMs);
        this.log(
          'client',
          'conversation.item.truncate',
          `${message.itemId} at ${audioEndMs} ms played${audioEndMs === 0 ? ' (nothing heard: delete)' : ''}`,
        );
        await s.conversation.item.truncate({
          itemId: message.itemId,
          contentIndex: message.contentIndex ?? 0,
          audioEndMs,
        });
        this.send({
          type: 'truncated',
          itemId: message.itemId,
          audioEndMs,
          deleted: audioEndMs === 0,
        });
        return;
      }
      case 'cancel':
        if (s.activeResponse === undefined) {
          // the response.done is already in: the server would only answer an error
          this.log('app', 'response.cancel', 'not sent: the response had already ended');
          return;
        }
        this.cancelPending = true;
        s.response.cancel();
        this.log('client', 'response.cancel', 'from the page');
        return;
    }
  }

  /** Merges a partial settings update onto what is in effect and applies it with `session.update`. */
  private async applySettings(settings: PageSettings): Promise<void> {
    const s = this.session;
    const next: FullSettings = {
      ...this.settings,
      ...stripUndefined(settings),
    } as FullSettings;
    this.log('client', 'session.update', JSON.stringify(stripUndefined(settings)));
    if (next.inputAudioTranscription !== null && !this.options.provider.transcription) {
      this.send({ type: 'settings_applied', settings: this.settings });
      this.pageError(
        'TRANSCRIPTION_UNAVAILABLE',
        'input transcription needs a transcription deployment on Azure: set AZURE_OPENAI_TRANSCRIPTION_DEPLOYMENT and restart the playground',
      );
      return;
    }
    try {
      await s.sessionUpdate(this.sessionOptions(next));
    } catch (error) {
      // Refused (e.g. cannot_update_voice): put the page's form back to what is in effect.
      this.send({ type: 'settings_applied', settings: this.settings });
      throw error;
    }
    this.settings = next;
    this.send({ type: 'settings_applied', settings: next });
  }

  /** The page went away: close the realtime session. */
  async dispose(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.session.close().catch(() => undefined);
  }
}

function stripUndefined<T extends object>(
  value: T,
): { [K in keyof T]-?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]-?: Exclude<T[K], undefined>;
  };
}

function itemIdOf(item: unknown): string {
  if (item && typeof item === 'object' && 'id' in item && typeof item.id === 'string')
    return item.id;
  return '';
}
