/**
 * One fake session: what one WebSocket connection to the real server is. It decodes client
 * frames with the dialect codec, keeps the session, conversation and input buffer, and answers
 * as protocol.md §7 describes. Item and audio handlers live in `handlers-*.ts`.
 * @module
 */
import type { DialectCodec, Dialect, TimerId } from '@voxwire/protocol';
import { codecFor } from '@voxwire/protocol';
import { startingSession } from './client-secrets.js';
import { checkCloseCode } from './close-codes.js';
import { Conversation } from './conversation.js';
import { Errors, schemaError, type ServerErrorBody } from './error-catalog.js';
import { inScope } from './fault-options.js';
import { handleAudioEvent } from './handlers-audio.js';
import { handleItemEvent } from './handlers-items.js';
import { handleResponseEvent, ResponseRunner } from './handlers-response.js';
import { InputAudio } from './input-audio.js';
import { clientEventKeys, findUnknownKey } from './known-keys.js';
import { ClientEventLog } from './client-event-log.js';
import { markBetaItems } from './beta-items.js';
import { audioOnlyRefusal, sentModalities, withSentModalities } from './beta-modalities.js';
import { obfuscate } from './obfuscation.js';
import { Outbound, type ServerLink } from './outbound.js';
import { OutputAudioBuffer } from './output-playback.js';
import type { ResponseRun } from './response.js';
import { defaultSession, mergeSession, sessionValue, voiceOf } from './session-config.js';
import { checkRawSessionUpdate } from './session-keys.js';
import { checkSessionValues } from './session-values.js';
import { clone, isObject, type JsonObject, type WireEvent } from './wire.js';

export type { ConnectionHost, ConnectionInit, HeardAudio } from './connection-host.js';
import type { ConnectionHost, ConnectionInit, HeardAudio } from './connection-host.js';

/** One connection's server-side state. */
export class FakeConnection {
  readonly index: number;
  readonly dialect: Dialect;
  /** Whose endpoint the client connected to (Azure's preview path is the beta one). */
  readonly provider: 'openai' | 'azure';
  /** This session's maximum duration in ms (Azure's 30 min, OpenAI's 60 min, or the option's). */
  readonly maxSessionDurationMs: number;
  readonly codec: DialectCodec;
  readonly conversation: Conversation;
  readonly outbound: Outbound;
  readonly input: InputAudio;
  /** How audio travels: in events (a WebSocket), or as media (a WebRTC call). */
  readonly audioPath: 'events' | 'media';
  /** What a media connection played, by response (see `OutputAudioBuffer`); empty otherwise. */
  readonly outputAudio: OutputAudioBuffer;
  /**
   * Every client event received on this connection, in order, refused ones included: accepted
   * ones (and those refused only for an unknown field) in the GA model, ones that failed to
   * decode (schema violation, unknown type) as sent. Frames that are not a JSON object are not
   * events and are left out. An `input_audio_buffer.append` older than the last
   * `keepAppendedAudioMs` of appended audio (or of a released connection) stays in its place
   * without its `audio` field.
   */
  readonly clientEvents: JsonObject[] = [];
  /** The heard words of each audio item committed on this connection (also kept on the conversation's item). */
  readonly heard = new Map<string, HeardAudio>();
  /** Responses in progress (the default-conversation one and any out-of-band ones). */
  readonly runs = new Set<ResponseRun>();
  /** The in-progress default-conversation response, if any. */
  active: ResponseRun | undefined;
  /** Item id announced by `speech_started`, used by the commit that follows. */
  pendingSpeechItemId: string | undefined;
  session: JsonObject;
  #open = true;
  #released = false;
  // whether the conversation came from an earlier connection (`conversation: 'persist'`):
  // it lives on with the next one, so releasing this connection must not empty it
  readonly #carriedConversation: boolean;
  readonly #log: ClientEventLog;
  // the beta `modalities` the client last set, echoed as sent (see beta-modalities.ts)
  #betaModalities: string[] | undefined;
  // the frame being dispatched, as sent (a beta response.create's `modalities`)
  #rawEvent: JsonObject | undefined;
  // a session.close arrived: the session ends once no response is in progress
  #closeRequested = false;
  #closeInfo: { code: number; reason: string } | undefined;
  #expiry: TimerId | undefined;
  #idle: TimerId | undefined;
  // one-off timers of this connection (a scheduled expiry, a delayed transcription): cleared
  // when it closes, so a closed connection leaves nothing on the clock
  #timers: Set<TimerId> | undefined;
  readonly #responses: ResponseRunner;
  // client events counted per type, for the occurrences of server.faults.refuse
  readonly #clientCounts = new Map<string, number>();

  constructor(
    readonly host: ConnectionHost,
    private readonly link: ServerLink,
    init: ConnectionInit,
  ) {
    this.index = init.index;
    this.dialect = init.dialect;
    this.provider = init.provider ?? 'openai';
    this.maxSessionDurationMs = init.maxSessionDurationMs;
    this.codec = codecFor(init.dialect);
    this.conversation = init.conversation ?? new Conversation();
    this.#carriedConversation = init.conversation !== undefined;
    this.#log = new ClientEventLog(this.clientEvents, host, this, () =>
      String(sessionValue(this.session, 'audio.input.format.type') ?? 'audio/pcm'),
    );
    this.outbound = new Outbound(
      host.clock,
      link,
      this.codec,
      // a rule scoped to another connection is not this one's to apply
      () => host.faultRules().filter((r) => inScope(r, this.index)),
      (code, reason) => this.#closed(code, reason),
      (rule) => host.faultFired?.(rule),
    );
    const now = host.clock.now();
    const base = {
      id: host.newId('sess'),
      model: init.model,
      expiresAt: Math.floor((now + init.maxSessionDurationMs) / 1000),
      dialect: init.dialect,
    };
    this.session = init.session
      ? startingSession(init.session, base)
      : defaultSession({ ...base, transcription: init.transcription ?? false });
    this.input = new InputAudio(24_000, host.vadEnergyScale);
    this.audioPath = init.audioPath ?? 'events';
    this.outputAudio = new OutputAudioBuffer(this);
    this.#responses = new ResponseRunner(this);
    this.emit({ type: 'session.created', session: clone(this.session) });
    if (init.dialect === 'beta') {
      this.emit({
        type: 'conversation.created',
        // the conversation its responses name in conversation_id (§4.7)
        conversation: { id: this.#responses.conversationId, object: 'realtime.conversation' },
      });
    }
    this.#expiry = host.clock.setTimeout(
      () => this.expire(init.maxSessionDurationMs),
      init.maxSessionDurationMs,
    );
  }

  /** Whether this is a transcription-only session (no responses, no rate limits). */
  get transcriptionOnly(): boolean {
    return this.session['type'] === 'transcription';
  }

  /** Whether the connection is still open. */
  get open(): boolean {
    return this.#open;
  }

  /**
   * Whether the server let go of this closed connection's audio and conversation: once more
   * than `keepClosedConnections` connections closed after it (see {@link release}).
   */
  get released(): boolean {
    return this.#released;
  }

  /**
   * Lets go of what this closed connection holds that a long run would pile up: its
   * conversation's items and their audio (not a conversation carried over to the next
   * connection), the words its turns said (`heard`), its buffered input audio and the `audio`
   * of its recorded appends. Its session, `closeInfo`, `clientEvents` (appends without audio)
   * and `outputAudio` entries stay. No-op while open.
   */
  release(): void {
    if (this.#open || this.#released) return;
    this.#released = true;
    if (!this.#carriedConversation) this.conversation.clear();
    this.heard.clear();
    this.input.clear();
    this.#log.dropAllAudio();
  }

  /** How the connection closed, once it has. */
  get closeInfo(): { code: number; reason: string } | undefined {
    return this.#closeInfo;
  }

  /** The responses machinery (used by the VAD and idle timeout). */
  get responses(): ResponseRunner {
    return this.#responses;
  }

  /**
   * Sends a GA-model event (the server fills `event_id`). As the live servers do, a GA
   * connection pads the text deltas with `obfuscation` and a beta one marks items
   * `object: "realtime.item"`; `asGiven` (`server.emit`'s scripted events) skips both.
   */
  emit(event: WireEvent, asGiven = false): void {
    if (!this.#open) return;
    const withId = { event_id: this.host.newId('event'), ...event };
    if (!asGiven) (this.dialect === 'ga' ? obfuscate : markBetaItems)(withId);
    this.outbound.push(withId);
  }

  /** Sends an `error` event. */
  error(body: ServerErrorBody): void {
    this.emit({ type: 'error', error: body });
  }

  /** Ends the session as the real server does at its maximum duration. */
  expire(durationMs: number): void {
    if (!this.#open) return;
    const minutes = Math.round(durationMs / 60_000);
    const body = Errors.sessionExpired(minutes);
    this.error(body);
    this.outbound.close(1001, body.message);
  }

  /**
   * Closes from the server side after queued events.
   * @throws FakeServerOptionsError on a code no close frame may carry (1006 drops the socket).
   */
  close(code: number, reason: string): void {
    checkCloseCode(code, reason, 'FakeConnection.close');
    this.outbound.close(code, reason);
  }

  /** The transport reported a close (client close or socket loss). */
  transportClosed(code: number, reason: string): void {
    this.outbound.dispose();
    this.#closed(code, reason);
  }

  #closed(code: number, reason: string): void {
    if (!this.#open) return;
    this.#open = false;
    this.#closeInfo = { code, reason };
    this.host.clock.clearTimeout(this.#expiry);
    this.clearIdleTimer();
    if (this.#timers) for (const timer of this.#timers) this.host.clock.clearTimeout(timer);
    this.#timers = undefined;
    // before the runs' cancel: their last audio, if any, has nowhere to play
    this.outputAudio.connectionClosed();
    for (const run of this.runs) run.cancel('client_cancelled');
    this.host.connectionClosed(this, code, reason);
  }

  /**
   * Ends the session a `session.close` asked to end, once no response is in progress. protocol.md
   * documents no effect for the conversation endpoint; realtime-events.json documents the
   * translation endpoint's: the server emits its remaining output, then `session.closed`, then
   * the socket closes. The fake does that, with a normal close (1000).
   */
  settleClose(): void {
    if (!this.#open || !this.#closeRequested || this.runs.size > 0) return;
    this.#closeRequested = false;
    this.emit({ type: 'session.closed' });
    this.close(1000, '');
  }

  /** Runs `callback` after `ms` on the server's clock, unless the connection closes first. */
  schedule(callback: () => void, ms: number): void {
    if (!this.#open) return;
    const timers = (this.#timers ??= new Set());
    const timer = this.host.clock.setTimeout(() => {
      timers.delete(timer);
      callback();
    }, ms);
    timers.add(timer);
  }

  /** Starts the idle timer when `idle_timeout_ms` is configured and the user is not speaking. */
  armIdleTimer(): void {
    this.clearIdleTimer();
    // a response the close cancelled finishes after it: its timer would outlive the connection
    // (and, on the system clock, hold the process open)
    if (!this.#open) return;
    // the timeout measures a silent user: speech_started clears the timer, so one armed during
    // speech (a response ending mid-turn, interrupt_response: false) would cut into that turn
    if (this.input.speaking) return;
    const ms = sessionValue(this.session, 'audio.input.turn_detection.idle_timeout_ms');
    if (typeof ms !== 'number' || ms <= 0) return;
    this.#idle = this.host.clock.setTimeout(() => {
      this.#idle = undefined;
      handleAudioEvent(this, { type: '__idle_timeout' }, null);
    }, ms);
  }

  /** Cancels the idle timer. */
  clearIdleTimer(): void {
    this.host.clock.clearTimeout(this.#idle);
    this.#idle = undefined;
  }

  /** The frame being dispatched, as the client sent it (`undefined` outside a dispatch). */
  get rawEvent(): JsonObject | undefined {
    return this.#rawEvent;
  }

  /** One frame from the client. */
  receive(frame: string | Uint8Array): void {
    if (!this.#open) return;
    let raw: JsonObject | undefined;
    if (typeof frame === 'string') {
      try {
        const parsed: unknown = JSON.parse(frame);
        if (isObject(parsed)) raw = parsed;
      } catch {
        // the codec reports it below
      }
    }
    // the live GA server takes the translation endpoint's append as an append (realtime-events.json
    // _meta.notes[7]); the fake hears, records and checks it as `input_audio_buffer.append`
    if (raw?.['type'] === 'session.input_audio_buffer.append' && this.dialect === 'ga') {
      raw = { ...raw, type: 'input_audio_buffer.append' };
      frame = JSON.stringify(raw);
    }
    const eventId = typeof raw?.['event_id'] === 'string' ? raw['event_id'] : null;
    // unknown fields are invisible after decoding (schemas are loose), so check the raw frame
    const bad = raw ? this.#checkRaw(raw, eventId) : undefined;
    if (raw && bad) {
      // recorded as accepted events are (GA model) when the codec can read it past the extra field
      const decoded = this.codec.decodeClientEvent(frame);
      this.#log.record(decoded.kind === 'event' ? (decoded.event as unknown as JsonObject) : raw);
      this.error(bad);
      return;
    }
    // the protocol codecs have no schema for it (realtime-events.json puts it in the translation
    // endpoint's catalogue), yet the live conversation endpoint takes it (§7.9)
    if (raw?.['type'] === 'session.close' && this.dialect === 'ga') {
      this.#log.record(raw);
      if (this.#refused(raw, eventId)) return;
      this.#closeRequested = true;
      this.settleClose();
      return;
    }
    const decoded = this.codec.decodeClientEvent(frame);
    // a refused event is still what the client sent: a JSON object is recorded as sent
    if (decoded.kind !== 'event' && raw) this.#log.record(raw);
    if (decoded.kind === 'violation') {
      const v = decoded.violation;
      if (v.reason === 'invalid_json') this.error(Errors.invalidJson(v.message));
      else if (v.reason === 'binary_frame') this.error(Errors.binaryFrame());
      else if (v.reason === 'missing_type') this.error(Errors.missingType(eventId));
      else if (v.reason === 'not_an_object')
        this.error(Errors.invalidJson('Expected a JSON object.'));
      else this.error(schemaError(v.issues ?? [], eventId, raw));
      return;
    }
    if (decoded.kind === 'unknown') {
      this.error(Errors.unknownType(decoded.type, eventId, this.dialect));
      return;
    }
    const event = decoded.event as unknown as JsonObject;
    this.#log.record(event);
    if (this.#refused(event, eventId)) return;
    this.#rawEvent = raw;
    try {
      this.dispatch(event, eventId);
    } finally {
      this.#rawEvent = undefined;
    }
  }

  /** How many client events of `type` this connection has counted for `server.faults.refuse`. */
  clientCounted(type: string): number {
    return this.#clientCounts.get(type) ?? 0;
  }

  // counts an event the server would act on, and answers it with the error of the refusal rule
  // for that occurrence, if any (then it is not acted on)
  #refused(event: JsonObject, eventId: string | null): boolean {
    const type = String(event['type']);
    const n = this.clientCounted(type) + 1;
    this.#clientCounts.set(type, n);
    const rule = this.host
      .refusals()
      .find((r) => r.type === type && r.occurrence === n && inScope(r, this.index));
    if (!rule) return false;
    this.host.faultFired?.(rule);
    this.error({ ...rule.error, event_id: eventId });
    return true;
  }

  /**
   * The error the real server answers a raw client frame with before acting on it: an unknown
   * field anywhere in the event (`unknown_parameter`, dotted path), or for a session.update a
   * missing GA `type` or an out-of-range value. `undefined` when the frame may go on.
   */
  #checkRaw(raw: JsonObject, eventId: string | null): ServerErrorBody | undefined {
    const keys = clientEventKeys(this.dialect).get(String(raw['type']));
    if (!keys) return undefined;
    const unknown = findUnknownKey(raw, keys, '');
    if (unknown) return Errors.unknownParameter(unknown, eventId);
    // Azure's preview endpoint refuses audio-only modalities (protocol.md §5.2)
    if (this.provider === 'azure' && this.dialect === 'beta') {
      const body = raw['type'] === 'session.update' ? 'session' : 'response';
      const refusal = audioOnlyRefusal(raw[body], `${body}.modalities`, eventId);
      if (refusal) return refusal;
    }
    if (raw['type'] !== 'session.update') return undefined;
    // GA frames are already in the model's shape, so their values are checked before the schema
    // (which would only say "invalid type" where the server names the bound)
    return (
      checkRawSessionUpdate(raw['session'], this.dialect, eventId, String(this.session['type'])) ??
      (this.dialect === 'ga' && isObject(raw['session'])
        ? checkSessionValues(raw['session'], 'ga', eventId)
        : undefined)
    );
  }

  /** Routes a decoded client event to its handler. */
  dispatch(event: JsonObject, eventId: string | null): void {
    const type = String(event['type']);
    if (type === 'session.update') return this.#sessionUpdate(event, eventId);
    if (handleAudioEvent(this, event, eventId)) return;
    if (handleItemEvent(this, event, eventId)) return;
    if (handleResponseEvent(this, event, eventId)) return;
    this.error(Errors.unknownType(type, eventId, this.dialect));
  }

  #sessionUpdate(event: JsonObject, eventId: string | null): void {
    const update = isObject(event['session']) ? event['session'] : {};
    const bad = checkSessionValues(update, this.dialect, eventId);
    if (bad) return this.error(bad);
    const next = mergeSession(this.session, update);
    if (voiceOf(next) !== voiceOf(this.session) && this.conversation.hasAssistantAudio()) {
      return this.error(Errors.cannotUpdateVoice(eventId));
    }
    // the model is fixed at connect time; the server keeps its own
    if (this.session['model'] !== undefined) next['model'] = this.session['model'];
    this.session = next;
    if (this.dialect === 'beta')
      this.#betaModalities = sentModalities(this.#rawEvent?.['session']) ?? this.#betaModalities;
    // detection off mid-speech: the turn is forgotten without an event (protocol.md documents
    // none) and its audio stays buffered for a manual commit
    if (!isObject(sessionValue(next, 'audio.input.turn_detection'))) this.input.endSpeech();
    this.emit({ type: 'session.updated', session: this.sessionEcho() });
  }

  /**
   * A copy of the session as `session.created`/`session.updated` show it: a beta connection's
   * with the `modalities` its client sent, not the GA model's mapping of them.
   */
  sessionEcho(): JsonObject {
    return withSentModalities(clone(this.session), this.#betaModalities);
  }

  /** The beta `modalities` the client last set in `session.update` (`undefined` on GA, or none set). */
  get betaModalities(): readonly string[] | undefined {
    return this.#betaModalities;
  }
}
