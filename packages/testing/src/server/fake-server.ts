/**
 * The fake server handle: options, connections, behaviours, scripting, inspection. Transports
 * (in memory, ws) attach links to it with {@link FakeServer.accept}.
 * @module
 */
import type { Clock, IdGenerator } from '@voxwire/protocol';
import { MAX_SESSION_DURATION_MS } from '@voxwire/protocol';
import { SimulatedClock } from '../clock.js';
import { FakeServerError, FakeServerOptionsError, TransportNotClosedError } from '../errors.js';
import type { ResponseHandler } from './behaviour.js';
import { ClientExpectations } from './client-expectations.js';
import { checkCloseCode } from './close-codes.js';
import { Conversation } from './conversation.js';
import { FakeConnection, type ConnectionHost } from './connection.js';
import { FaultInjector } from './faults.js';
import type { ServerLink } from './outbound.js';
import type { FakeServerOptions } from './fake-server-options.js';
import { checkModels, modelRefusal, REQUEST_SHAPE_CLOSE_CODE } from './served-models.js';
import { closeReasonOf, type ServerErrorBody } from './error-catalog.js';
import {
  checkRequestedSession,
  ClientSecrets,
  type ClientSecretRecord,
  type MintResult,
} from './client-secrets.js';
import { CallLink } from './calls/call-record.js';
import { CallRegistry, SIP_RING_TIMEOUT_MS } from './calls/registry.js';
import { ServerCalls } from './calls/server-calls.js';
import { checkWebhookOptions } from './calls/webhook.js';
import { asServerEvent, clone, type JsonObject, type WireEvent } from './wire.js';
import { TokenBudget } from './token-budget.js';
import type { UnscriptedResponse } from './response-ledger.js';
import { checkUnscripted } from './unscripted.js';
import type { ExpectableClientEventType, ExpectedClientEvent } from './expectation-types.js';
import { incompleteScenario } from './scenario-report.js';
import { ScriptQueue } from './script-queue.js';
import { ServerFaultTarget } from './server-fault-target.js';
import { serverHost } from './server-host.js';
import { checkRetentionOptions, ClosedConnections, KEEP_CLOSED_CONNECTIONS } from './retention.js';

export type { FakeServerOptions } from './fake-server-options.js';
export type { AcceptedConnection, AcceptInit } from './accept-init.js';
export type { UnscriptedResponse } from './response-ledger.js';
export type { ExpectableClientEventType, ExpectedClientEvent } from './expectation-types.js';
import { idGeneratorOf, type AcceptedConnection, type AcceptInit } from './accept-init.js';

/** The scripted fake Realtime server. */
export class FakeServer extends ServerCalls {
  /** The server's clock. */
  readonly clock: Clock;
  /** Fault injection. */
  readonly faults: FaultInjector;
  /** Errors thrown by response handlers (also reported by `assertComplete`). */
  readonly handlerErrors: unknown[] = [];
  /**
   * The model names served (the `models` option, frozen); `undefined` when every model is.
   */
  readonly models: readonly string[] | undefined;
  readonly #options: FakeServerOptions;
  readonly #newId: IdGenerator;
  readonly #connections: FakeConnection[] = [];
  readonly #expectations: ClientExpectations;
  readonly #script: ScriptQueue;
  readonly #closeWaiters: (() => void)[] = [];
  readonly #closed: ClosedConnections;
  // the token budget rate_limits.updated reports, made at the first response (full until then)
  #budget: TokenBudget | undefined;
  #persisted: Conversation | undefined;
  readonly #faultTarget: ServerFaultTarget;
  // made at the first mint: a server nobody mints on keeps nothing for it
  #clientSecrets: ClientSecrets | undefined;
  // made at the first call, likewise
  #calls: CallRegistry | undefined;

  constructor(options: FakeServerOptions = {}) {
    super();
    this.#options = options;
    this.models = checkModels(options.models);
    checkUnscripted(options);
    checkRetentionOptions(options);
    this.#closed = new ClosedConnections(options.keepClosedConnections ?? KEEP_CLOSED_CONNECTIONS);
    this.clock = options.clock ?? new SimulatedClock();
    this.#newId = idGeneratorOf(options);
    checkWebhookOptions(options.webhook);
    this.#expectations = new ClientExpectations(options.recordAudioAppends ?? true);
    this.#script = new ScriptQueue(options);
    this.#faultTarget = new ServerFaultTarget(this.#connections);
    this.faults = new FaultInjector(this.#faultTarget);
  }

  /** Attaches a transport's server end; sends `session.created` at once. */
  accept(link: ServerLink, init: AcceptInit = {}): AcceptedConnection {
    let minted: JsonObject | undefined;
    if (init.clientSecret !== undefined) {
      minted = this.#clientSecrets?.use(init.clientSecret);
      if (!minted)
        throw new FakeServerOptionsError(
          `accept: clientSecret ${JSON.stringify(init.clientSecret)} was not minted by this server`,
        );
    }
    const callId = init.webRtcCallId;
    // only a call's session fans out to side-bands: a plain connection keeps its one link
    const callLink = callId !== undefined ? new CallLink(link) : undefined;
    const session = minted ?? init.session;
    const model = typeof session?.['model'] === 'string' ? session['model'] : init.model;
    const conn = this.#start(callLink ?? link, { ...init, model, session });
    if (callLink && callId !== undefined) this.registry().addWebRtc(callId, callLink, conn);
    return {
      connection: conn,
      receive: (f) => conn.receive(f),
      closed: (code, reason) => conn.transportClosed(code, reason),
    };
  }

  #start(
    link: ServerLink,
    init: Omit<AcceptInit, 'clientSecret' | 'webRtcCallId'>,
  ): FakeConnection {
    const conn = new FakeConnection(this.#host(), link, {
      index: this.#connections.length,
      dialect: init.dialect ?? this.#options.dialect ?? 'ga',
      model: init.model ?? this.#options.model ?? 'gpt-realtime',
      maxSessionDurationMs:
        init.maxSessionDurationMs ??
        this.#options.maxSessionDurationMs ??
        MAX_SESSION_DURATION_MS.openai,
      transcription: init.transcription,
      provider: init.provider,
      audioPath: init.audioPath,
      session: init.session,
      conversation:
        this.#options.conversation === 'persist'
          ? (this.#persisted ??= new Conversation())
          : undefined,
    });
    this.#connections.push(conn);
    this.#faultTarget.opened(conn);
    return conn;
  }

  /**
   * The 400 a session config given over HTTP gets (a mint's `session`, a SIP accept body, a
   * WebRTC call's multipart `session` part): unknown keys, `type`, values, an unserved model.
   * @returns the API's error body, or `undefined` when it may start a session
   */
  checkSessionConfig(session: unknown): ServerErrorBody | undefined {
    return checkRequestedSession(session, this.models, this.#options.model ?? 'gpt-realtime');
  }

  /** The calls registry, if any call was made. */
  protected registryIfMade(): CallRegistry | undefined {
    return this.#calls;
  }

  /** The calls registry, made at the first call. */
  protected registry(): CallRegistry {
    return (this.#calls ??= new CallRegistry({
      clock: this.clock,
      newId: (p) => this.#newId(p),
      webhook: this.#options.webhook,
      ringTimeoutMs: this.#options.sipRingTimeoutMs ?? SIP_RING_TIMEOUT_MS,
      checkSession: (session) => this.checkSessionConfig(session),
      startSession: (link, session) =>
        this.#start(link, {
          dialect: 'ga',
          audioPath: 'media',
          model: typeof session['model'] === 'string' ? session['model'] : undefined,
          session,
        }),
    }));
  }

  /**
   * How the real API refuses an in-memory connection, which asks for the `model` option: the
   * `invalid_model` error frame and the close to send instead of `session.created`, or
   * `undefined` when that model is served. For transports; the ws mode judges its handshakes.
   */
  refusalOfInMemoryConnect(): { frame: string; code: number; reason: string } | undefined {
    const error = modelRefusal(this.models, this.#options.model ?? 'gpt-realtime');
    if (!error) return undefined;
    // the same text in both dialects: an `error` event has one form
    const frame = JSON.stringify({ type: 'error', event_id: this.#newId('event'), error });
    return { frame, code: REQUEST_SHAPE_CLOSE_CODE, reason: closeReasonOf(error) };
  }

  /**
   * Mints an ephemeral client secret as `POST /v1/realtime/client_secrets` does, from its parsed
   * JSON body: `{expires_after?:{anchor:'created_at', seconds:10–7200}, session?:{type, …}}`. The
   * ws mode serves it over HTTP (and checks the key); call it directly to mint in memory.
   * @returns 200 and `{value:'ek_…', expires_at, session}`, or 400 and the API's
   * `{error:{message,type,code,param}}` naming the field (`expires_after.seconds`, `session.type`, …)
   */
  mintClientSecret(body: unknown): MintResult {
    this.#clientSecrets ??= new ClientSecrets({
      now: () => this.clock.now(),
      newId: (p) => this.#newId(p),
      defaultModel: this.#options.model ?? 'gpt-realtime',
      models: this.models,
    });
    return this.#clientSecrets.mint(body);
  }

  /**
   * Whether `value` is a secret this server minted: `'live'` until it expires by the server's
   * clock, then `'expired'`; `undefined` when it minted no such secret.
   */
  clientSecretState(value: string): 'live' | 'expired' | undefined {
    return this.#clientSecrets?.state(value);
  }

  /** Every client secret minted so far, oldest first (snapshots: value, expiresAt, session, usedBy). */
  get clientSecrets(): readonly ClientSecretRecord[] {
    return this.#clientSecrets?.list() ?? [];
  }

  /**
   * Every connection so far, oldest first; those closed before the newest `keepClosedConnections`
   * closed ones are `released` (no conversation, no audio).
   */
  get connections(): readonly FakeConnection[] {
    return this.#connections;
  }

  /** The latest connection. */
  get current(): FakeConnection | undefined {
    return this.#connections[this.#connections.length - 1];
  }

  /**
   * Every client event received, across connections, in arrival order, refused ones included
   * (the `error` the server answered says why): see {@link FakeConnection.clientEvents} for the
   * form each is kept in. Expectations see the same events.
   */
  get clientEvents(): readonly JsonObject[] {
    return this.#expectations.events;
  }

  /** The latest connection's conversation: items in order, without audio bytes. */
  get conversation(): JsonObject[] {
    return this.current?.conversation.snapshot() ?? [];
  }

  /** The latest connection's full effective session (GA model). */
  get sessionConfig(): JsonObject | undefined {
    return this.current ? clone(this.current.session) : undefined;
  }

  /**
   * Sets the handler for responses with nothing queued; returns a function that removes it.
   * @throws FakeServerOptionsError when `handler` is not a function
   */
  onResponse(handler: ResponseHandler): () => void {
    return this.#script.onResponse(handler);
  }

  /**
   * Queues one-shot handlers, used by the next responses in order before `onResponse`.
   * @throws FakeServerOptionsError naming the first handler that is not a function; none is
   *   queued then
   */
  queueResponse(...handlers: ResponseHandler[]): this {
    this.#script.queueResponse(handlers);
    return this;
  }

  /**
   * Queues what the next committed audio turns "said" (a string) or that transcription fails.
   * The idle timeout's commit (of a silent user) takes none.
   * @throws FakeServerOptionsError naming the first turn that is neither a string nor
   *   `{ fail: true }`; none is queued then
   */
  scriptTranscription(...turns: (string | { fail: true })[]): this {
    this.#script.scriptTranscription(turns);
    return this;
  }

  /**
   * Sends any GA-model server event on the latest connection, as given: only `event_id` is
   * filled in (no `obfuscation` on GA deltas, no `object` on beta items, which the fake adds to
   * the events it produces itself).
   * @throws FakeServerError `NO_OPEN_CONNECTION` when that connection is closed or none exists;
   * `NO_DIALECT_FORM` when its dialect has no form for the event (beta has no
   * `conversation.item.done`, no MCP items, no audio format but PCM16 and G.711).
   */
  emit(event: WireEvent): void {
    const conn = this.#open('server.emit');
    // the codec drops what the dialect cannot say: in a test that emitted it on purpose, that
    // is a wait for an event that never comes
    if (conn.codec.encodeServerEvent(asServerEvent(event)) === null)
      throw new FakeServerError(
        'NO_DIALECT_FORM',
        `server.emit: the ${conn.dialect} dialect of connection ${conn.index} has no form for '${event.type}', so it would never reach the client`,
      );
    // as scripted, key by key: the fake's own dressing (obfuscation, beta item objects) is not added
    conn.emit(event, true);
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
   * match, in the order the expectations were made; events of other types in between are passed
   * over. The events already sent count: an expectation made after its event arrived resolves
   * with it (match history with `clientEvents`, not with an expectation, when only later events
   * may count). A predicate that throws rejects the expectation with a {@link FakeServerError}
   * (code `EXPECTATION_PREDICATE_THREW`, the thrown error as `cause`); the server still acts on
   * the event. A rejected expectation also fails `assertComplete()`, with its reason.
   * @throws FakeServerError at the call: `UNKNOWN_EVENT_TYPE` for a `type` no client event has
   *   (a typo, a beta name; the message names the likely type), `NOT_RECORDED` for
   *   `input_audio_buffer.append` with `recordAudioAppends: false`
   */
  expectClientEvent<K extends ExpectableClientEventType>(
    type: K,
    predicate?: (event: ExpectedClientEvent<K>) => boolean,
  ): Promise<ExpectedClientEvent<K>>;
  /** The same, with the event typed by the caller (a loose view of it, say). */
  expectClientEvent<T extends JsonObject>(
    type: ExpectableClientEventType,
    predicate?: (event: T) => boolean,
  ): Promise<T>;
  expectClientEvent(
    type: ExpectableClientEventType,
    // `never`: each overload's predicate takes its own view of the recorded event
    predicate?: (event: never) => boolean,
  ): Promise<JsonObject> {
    return this.#expectations.expect(
      type,
      predicate as ((event: JsonObject) => boolean) | undefined,
      false,
    );
  }

  /**
   * Like `expectClientEvent`, but the client event right after the previous match (the first
   * one sent, for the first expectation: not the next one from now) must be of `type` and match
   * `predicate`, else it rejects with {@link UnexpectedClientEventError} (and fails
   * `assertComplete()`); it also rejects when every connection closes first.
   * @throws FakeServerError at the call, as `expectClientEvent` does
   */
  expectNextClientEvent<K extends ExpectableClientEventType>(
    type: K,
    predicate?: (event: ExpectedClientEvent<K>) => boolean,
  ): Promise<ExpectedClientEvent<K>>;
  /** The same, with the event typed by the caller. */
  expectNextClientEvent<T extends JsonObject>(
    type: ExpectableClientEventType,
    predicate?: (event: T) => boolean,
  ): Promise<T>;
  expectNextClientEvent(
    type: ExpectableClientEventType,
    // `never`: each overload's predicate takes its own view of the recorded event
    predicate?: (event: never) => boolean,
  ): Promise<JsonObject> {
    return this.#expectations.expect(
      type,
      predicate as ((event: JsonObject) => boolean) | undefined,
      true,
    );
  }

  /**
   * The responses no scripted handler answered, oldest first: the demo agent's answers, or with
   * `unscripted: 'fail'` the empty ones (which fail `assertComplete()`).
   */
  get unscriptedResponses(): readonly UnscriptedResponse[] {
    return this.#script.ledger.unscripted;
  }

  /**
   * Throws {@link IncompleteScenarioError} when expectations are left or were rejected, queued
   * responses or transcriptions are left, a fault rule never fired (see `faults.neverFired()`; a
   * rule marked `optional` is not reported), a handler threw or is still running, or (with
   * `unscripted: 'fail'`) a response had no scripted handler. Its message also notes what may
   * explain a failure: a VAD turn still open, and the responses the demo agent answered in a
   * scenario that scripts responses.
   */
  assertComplete(): void {
    const error = incompleteScenario({
      expectations: this.#expectations,
      script: this.#script,
      faults: this.faults,
      handlerErrors: this.handlerErrors,
      connections: this.#connections,
      now: this.clock.now(),
      strictUnscripted: this.#options.unscripted === 'fail',
    });
    if (error) throw error;
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

  #host(): ConnectionHost {
    return serverHost({
      clock: this.clock,
      options: this.#options,
      newId: this.#newId,
      faults: this.faults,
      script: this.#script,
      expectations: this.#expectations,
      handlerErrors: this.handlerErrors,
      budget: () =>
        (this.#budget ??= new TokenBudget(this.#options.tokenRateLimit ?? 40_000, this.clock)),
      connectionClosed: (conn) => {
        this.#calls?.connectionClosed(conn);
        this.#closed.closed(conn);
        // strict expectations cannot be met once nothing is open
        if (this.#connections.every((c) => !c.open)) {
          for (const w of this.#closeWaiters.splice(0)) w();
          this.#expectations.rejectStrict();
        }
      },
    });
  }
}
