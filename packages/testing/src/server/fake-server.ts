/**
 * The fake server handle: options, connections, behaviours, scripting, inspection. Transports
 * (in memory, ws) attach links to it with {@link FakeServer.accept}.
 * @module
 */
import type { Clock, Dialect, IdGenerator } from '@voxwire/protocol';
import { createCounterIdGenerator, MAX_SESSION_DURATION_MS } from '@voxwire/protocol';
import { SimulatedClock } from '../clock.js';
import {
  FakeServerError,
  IncompleteScenarioError,
  TransportNotClosedError,
  UnexpectedClientEventError,
} from '../errors.js';
import { demoAgent, type ResponseHandler } from './behaviour.js';
import { unknownClientEventType } from './event-names.js';
import { checkCloseCode } from './close-codes.js';
import { Conversation } from './conversation.js';
import { FakeConnection, type ConnectionHost, type HeardAudio } from './connection.js';
import { FaultInjector } from './faults.js';
import type { ServerLink } from './outbound.js';
import type { ResponsePacing } from './response.js';
import { clone, type JsonObject, type WireEvent } from './wire.js';

/** Options of the fake server (shared by the in-memory and ws modes). */
export interface FakeServerOptions {
  /**
   * The dialect of in-memory connections (the ws mode picks it per handshake).
   * @default 'ga'
   */
  readonly dialect?: Dialect | undefined;
  /**
   * The model echoed in `session.created`.
   * @default 'gpt-realtime'
   */
  readonly model?: string | undefined;
  /**
   * The clock of every server timer (VAD idle timeout, pacing, delays, expiry).
   * @default new SimulatedClock()
   */
  readonly clock?: Clock | undefined;
  /**
   * Session length; at the end the server sends `session_expired` and closes with 1001.
   * @default 3600000 (60 minutes, OpenAI GA)
   */
  readonly maxSessionDurationMs?: number | undefined;
  /**
   * Whether a new connection starts with an empty conversation (as the real server) or keeps the
   * previous connection's items (handy to test a client's resync logic separately).
   * @default 'fresh'
   */
  readonly conversation?: 'fresh' | 'persist' | undefined;
  /**
   * What answers `response.create` when nothing is scripted: the demo agent, or a handler.
   * @default demoAgent
   */
  readonly behaviour?: ResponseHandler | undefined;
  /**
   * Pacing of generated responses.
   * @default {} (no waits: every event goes out as fast as the microtask queue allows)
   */
  readonly pacing?: ResponsePacing | undefined;
  /**
   * Turns committed user audio into words when no scripted transcription is queued.
   * @default () => ({ text: '' })
   */
  readonly transcribe?:
    ((samples: Int16Array, sampleRate: number, itemId: string) => string | HeardAudio) | undefined;
  /**
   * Number of `input_audio_transcription.delta` events per transcript (whisper-1 sends 1).
   * @default 3
   */
  readonly transcriptionDeltas?: number | undefined;
  /**
   * Clock ms between a commit and its transcription events (0: right after the item events,
   * before any response; more lets the response overtake it, as on the real server).
   * @default 0
   */
  readonly transcriptionDelayMs?: number | undefined;
  /**
   * VAD sensitivity: a 10 ms window is speech when its RMS ≥ `threshold × vadEnergyScale` of full
   * scale (threshold 0.5 → about −32 dBFS).
   * @default 0.05
   */
  readonly vadEnergyScale?: number | undefined;
  /**
   * Id generator for events, items, responses, sessions.
   * @default createCounterIdGenerator()
   */
  readonly generateId?: IdGenerator | undefined;
  /**
   * The token budget `rate_limits.updated` reports from.
   * @default 40000
   */
  readonly tokenRateLimit?: number | undefined;
  /**
   * Whether `input_audio_buffer.append` events are kept in `clientEvents` (and seen by
   * `expectClientEvent`, which refuses to wait for them when off). Off for soak tests: an hour
   * of appended audio is hundreds of MB of base64 the server would otherwise hold on to. The
   * audio is still heard (VAD, commits).
   * @default true
   */
  readonly recordAudioAppends?: boolean | undefined;
}

/** How a transport tells the server about its end of a connection. */
export interface AcceptedConnection {
  /** The server-side state (inspection). */
  readonly connection: FakeConnection;
  /** A frame from the client. */
  receive(frame: string | Uint8Array): void;
  /** The transport closed (client close or loss). */
  closed(code: number, reason: string): void;
}

interface Waiter {
  readonly type: string;
  readonly predicate: ((event: JsonObject) => boolean) | undefined;
  readonly strict: boolean;
  resolve(event: JsonObject): void;
  reject(error: Error): void;
}

/** The scripted fake Realtime server. */
export class FakeServer {
  /** The server's clock. */
  readonly clock: Clock;
  /** Fault injection. */
  readonly faults: FaultInjector;
  /** Errors thrown by response handlers (also reported by `assertComplete`). */
  readonly handlerErrors: unknown[] = [];
  readonly #options: FakeServerOptions;
  readonly #newId: IdGenerator;
  readonly #connections: FakeConnection[] = [];
  readonly #events: JsonObject[] = [];
  readonly #queued: ResponseHandler[] = [];
  readonly #transcripts: HeardAudio[] = [];
  readonly #handlers: ResponseHandler[] = [];
  readonly #waiters: Waiter[] = [];
  readonly #closeWaiters: (() => void)[] = [];
  #cursor = 0;
  #tokensUsed = 0;
  #persisted: Conversation | undefined;

  constructor(options: FakeServerOptions = {}) {
    this.#options = options;
    this.clock = options.clock ?? new SimulatedClock();
    this.#newId = options.generateId ?? createCounterIdGenerator();
    this.faults = new FaultInjector({
      // a chaos injection (core's random fault suite) may land between connections: nothing to do
      sendRaw: (frame) => this.current?.outbound.pushRaw(frame),
      expire: (afterMs) => {
        for (const c of this.#connections.filter((x) => x.open)) {
          c.schedule(
            () => c.expire(this.#options.maxSessionDurationMs ?? MAX_SESSION_DURATION_MS.openai),
            afterMs,
          );
        }
      },
      releaseAll: () => this.#connections.forEach((c) => c.outbound.release()),
    });
  }

  /** Attaches a transport's server end; sends `session.created` at once. */
  accept(
    link: ServerLink,
    init: {
      dialect?: Dialect | undefined;
      model?: string | undefined;
      maxSessionDurationMs?: number | undefined;
      transcription?: boolean | undefined;
    } = {},
  ): AcceptedConnection {
    const host = this.#host();
    const conn = new FakeConnection(host, link, {
      index: this.#connections.length,
      dialect: init.dialect ?? this.#options.dialect ?? 'ga',
      model: init.model ?? this.#options.model ?? 'gpt-realtime',
      maxSessionDurationMs:
        init.maxSessionDurationMs ??
        this.#options.maxSessionDurationMs ??
        MAX_SESSION_DURATION_MS.openai,
      transcription: init.transcription,
      conversation:
        this.#options.conversation === 'persist'
          ? (this.#persisted ??= new Conversation())
          : undefined,
    });
    this.#connections.push(conn);
    return {
      connection: conn,
      receive: (f) => conn.receive(f),
      closed: (code, reason) => conn.transportClosed(code, reason),
    };
  }

  /** Every connection so far, oldest first. */
  get connections(): readonly FakeConnection[] {
    return this.#connections;
  }

  /** The latest connection. */
  get current(): FakeConnection | undefined {
    return this.#connections[this.#connections.length - 1];
  }

  /** Every client event decoded (GA model), across connections, in arrival order. */
  get clientEvents(): readonly JsonObject[] {
    return this.#events;
  }

  /** The latest connection's conversation: items in order, without audio bytes. */
  get conversation(): JsonObject[] {
    return this.current?.conversation.snapshot() ?? [];
  }

  /** The latest connection's full effective session (GA model). */
  get sessionConfig(): JsonObject | undefined {
    return this.current ? clone(this.current.session) : undefined;
  }

  /** Sets the handler for responses with nothing queued; returns a function that removes it. */
  onResponse(handler: ResponseHandler): () => void {
    this.#handlers.push(handler);
    return () => {
      const i = this.#handlers.lastIndexOf(handler);
      if (i >= 0) this.#handlers.splice(i, 1);
    };
  }

  /** Queues one-shot handlers, used by the next responses in order before `onResponse`. */
  queueResponse(...handlers: ResponseHandler[]): this {
    this.#queued.push(...handlers);
    return this;
  }

  /** Queues what the next committed audio turns "said" (a string) or that transcription fails. */
  scriptTranscription(...turns: (string | { fail: true })[]): this {
    for (const t of turns)
      this.#transcripts.push(typeof t === 'string' ? { text: t } : { fail: true });
    return this;
  }

  /**
   * Sends any GA-model server event on the latest connection (`event_id` is filled in).
   * @throws FakeServerError `NO_OPEN_CONNECTION` when that connection is closed or none exists.
   */
  emit(event: WireEvent): void {
    this.#open('server.emit').emit(event);
  }

  // The latest connection, which must be open: an event sent into a closed one (or before any)
  // would vanish, and the test would wait for a reaction that cannot come.
  #open(where: string): FakeConnection {
    const c = this.current;
    if (c?.open) return c;
    const state = c
      ? `connection ${c.index} closed (${c.closeInfo?.code ?? 'unknown code'})`
      : 'none was made yet: start the transport or open the session first';
    throw new FakeServerError('NO_OPEN_CONNECTION', `${where}: no connection is open; ${state}`);
  }

  /**
   * Closes every open connection from the server side, after the events already queued.
   * @throws FakeServerOptionsError on a code no close frame may carry (1006 drops the socket).
   */
  close(code = 1000, reason = ''): void {
    checkCloseCode(code, reason, 'server.close');
    for (const c of this.#connections) if (c.open) c.close(code, reason);
  }

  /**
   * Resolves with the first client event of `type` (matching `predicate`) after the previous
   * match; events of other types in between are passed over. A predicate that throws rejects
   * the expectation with a {@link FakeServerError} (code `EXPECTATION_PREDICATE_THREW`, the
   * thrown error as `cause`); the server still acts on the event. A `type` no client event has
   * (a typo, a beta name) rejects at once with code `UNKNOWN_EVENT_TYPE`, and
   * `input_audio_buffer.append` with `recordAudioAppends: false` with `NOT_RECORDED`.
   */
  expectClientEvent<T extends JsonObject = JsonObject>(
    type: string,
    predicate?: (event: T) => boolean,
  ): Promise<T> {
    return this.#expect(
      type,
      predicate as ((e: JsonObject) => boolean) | undefined,
      false,
    ) as Promise<T>;
  }

  /** Like `expectClientEvent`, but the very next client event must match, else it rejects with {@link UnexpectedClientEventError}. */
  expectNextClientEvent<T extends JsonObject = JsonObject>(
    type: string,
    predicate?: (event: T) => boolean,
  ): Promise<T> {
    return this.#expect(
      type,
      predicate as ((e: JsonObject) => boolean) | undefined,
      true,
    ) as Promise<T>;
  }

  /** Throws {@link IncompleteScenarioError} when expectations, queued responses or transcriptions are left, or a handler threw. */
  assertComplete(): void {
    const pending = [
      ...this.#waiters.map((w) => `waiting for client event '${w.type}'`),
      ...(this.#queued.length ? [`${this.#queued.length} queued response(s) never used`] : []),
      ...(this.#transcripts.length
        ? [`${this.#transcripts.length} scripted transcription(s) never used`]
        : []),
      ...this.handlerErrors.map(
        (e) => `a response handler threw: ${e instanceof Error ? e.message : String(e)}`,
      ),
    ];
    if (pending.length) throw new IncompleteScenarioError(pending);
  }

  /** Resolves once every connection so far is closed (at once when none is open). */
  allClosed(): Promise<void> {
    if (this.#connections.every((c) => !c.open)) return Promise.resolve();
    return new Promise((resolve) => this.#closeWaiters.push(resolve));
  }

  /** Throws {@link TransportNotClosedError} while any connection is open. */
  assertClosed(): void {
    const open = this.#connections.filter((c) => c.open).length;
    if (open) throw new TransportNotClosedError(open);
  }

  #expect(
    type: string,
    predicate: ((e: JsonObject) => boolean) | undefined,
    strict: boolean,
  ): Promise<JsonObject> {
    // a type no client event has would wait forever (and hold every later expectation back)
    const unknown = unknownClientEventType(type);
    if (unknown !== undefined)
      return Promise.reject(new FakeServerError('UNKNOWN_EVENT_TYPE', unknown));
    // appends are heard but not recorded then: the expectation could never be met
    if (type === 'input_audio_buffer.append' && this.#options.recordAudioAppends === false)
      return Promise.reject(
        new FakeServerError(
          'NOT_RECORDED',
          "client event 'input_audio_buffer.append' is not recorded with recordAudioAppends: false, so it cannot be expected",
        ),
      );
    return new Promise((resolve, reject) => {
      this.#waiters.push({ type, predicate, strict, resolve, reject });
      this.#match();
    });
  }

  #match(): void {
    while (this.#waiters.length > 0) {
      const w = this.#waiters[0];
      if (!w) return;
      const outcome = this.#scan(w);
      if (outcome === undefined) return;
      this.#waiters.shift();
      this.#cursor = outcome.index + 1;
      if ('event' in outcome) w.resolve(outcome.event);
      else w.reject(outcome.error);
    }
  }

  // What settles waiter `w` from the events not yet matched: the matching event, or the error
  // that rejects it, with the index of the event that decided; `undefined` to keep waiting.
  #scan(
    w: Waiter,
  ): { index: number; event: JsonObject } | { index: number; error: Error } | undefined {
    for (let i = this.#cursor; i < this.#events.length; i++) {
      const e = this.#events[i];
      if (!e) continue;
      const type = String(e['type']);
      if (type === w.type) {
        // a predicate is test code: when it throws (reading a field the event lacks), that
        // expectation fails with the error; it must not escape into the server, which would
        // then neither settle the expectation nor act on the event
        let ok: boolean;
        try {
          ok = !w.predicate || w.predicate(e);
        } catch (cause) {
          const why = cause instanceof Error ? cause.message : String(cause);
          return {
            index: i,
            error: new FakeServerError(
              'EXPECTATION_PREDICATE_THREW',
              `the predicate of the expectation of client event '${w.type}' threw: ${why}`,
              { cause },
            ),
          };
        }
        if (ok) return { index: i, event: e };
        if (w.strict)
          return {
            index: i,
            error: new UnexpectedClientEventError(w.type, type, 'it did not match the predicate'),
          };
      } else if (w.strict) {
        return { index: i, error: new UnexpectedClientEventError(w.type, type) };
      }
    }
    return undefined;
  }

  #host(): ConnectionHost {
    return {
      clock: this.clock,
      pacing: this.#options.pacing ?? {},
      vadEnergyScale: this.#options.vadEnergyScale ?? 0.05,
      transcriptionDeltaCount: this.#options.transcriptionDeltas ?? 3,
      transcriptionDelayMs: this.#options.transcriptionDelayMs ?? 0,
      recordAudioAppends: this.#options.recordAudioAppends ?? true,
      newId: (p) => this.#newId(p),
      faultRules: () => this.faults.rules,
      takeHandler: () =>
        this.#queued.shift() ??
        this.#handlers[this.#handlers.length - 1] ??
        this.#options.behaviour ??
        demoAgent,
      hear: (samples, rate, itemId) => {
        const scripted = this.#transcripts.shift();
        if (scripted) return scripted;
        const t = this.#options.transcribe?.(samples, rate, itemId);
        return t === undefined ? { text: '' } : typeof t === 'string' ? { text: t } : t;
      },
      recordClientEvent: (_conn, event) => {
        this.#events.push(event);
        this.#match();
      },
      reportHandlerError: (error) => this.handlerErrors.push(error),
      connectionClosed: () => {
        // strict expectations cannot be met once nothing is open
        if (this.#connections.every((c) => !c.open)) {
          for (const w of this.#closeWaiters.splice(0)) w();
          const strict = this.#waiters.filter((x) => x.strict);
          for (const w of strict) this.#waiters.splice(this.#waiters.indexOf(w), 1);
          for (const w of strict) w.reject(new UnexpectedClientEventError(w.type, undefined));
        }
      },
      rateLimits: (tokens, dialect) => {
        const limit = this.#options.tokenRateLimit ?? 40_000;
        this.#tokensUsed += tokens;
        const remaining = Math.max(0, limit - this.#tokensUsed);
        const tokenLimit = {
          name: 'tokens',
          limit,
          remaining,
          reset_seconds: Math.round(((limit - remaining) / limit) * 60_000) / 1000,
        };
        // beta-era servers listed requests too; GA lists tokens only (§4.10)
        return dialect === 'beta'
          ? [{ name: 'requests', limit: 5000, remaining: 4999, reset_seconds: 0.012 }, tokenLimit]
          : [tokenLimit];
      },
    };
  }
}
