/**
 * In-memory mode: a client {@link Transport} linked to a {@link FakeServer}. Frames cross as
 * JSON text through the real dialect codecs, one `queueMicrotask` hop each way, so delivery is
 * asynchronous (as on a socket) but fully deterministic.
 * @module
 */
import type { Connection, Connector, Dialect, Transport } from '@voxwire/protocol';
import { MAX_SESSION_DURATION_MS } from '@voxwire/protocol';
import { FakeServerOptionsError, TransportClosedError } from './errors.js';
import {
  FakeServer,
  type AcceptedConnection,
  type FakeServerOptions,
} from './server/fake-server.js';

/** Options of {@link createFakeServer}. */
export interface CreateFakeServerOptions extends FakeServerOptions {
  /**
   * An existing server to link to (several transports, one scripted server). With it, only
   * `dialect` and `maxSessionDurationMs` may be set (they are the new transport's); any other
   * option throws {@link FakeServerOptionsError}, as the server keeps its own.
   * @default a new FakeServer(options)
   */
  readonly server?: FakeServer | undefined;
  /**
   * Makes the transport a side-band of the active call `callId` (`?call_id=` on the API):
   * it joins that call's session instead of starting one (see `FakeServer.attachSideband`).
   * Needs `server`, which knows the call. The connector's connections then report
   * `audioPath: 'media'` and `persistentSession: true`, as `openai({ callId })`'s do.
   * @default undefined (a connection of its own)
   */
  readonly callId?: string | undefined;
}

/** What {@link createFakeServer} returns. */
export interface FakeServerKit {
  /** A client transport linked to the server (unstarted: `start()` connects, like opening a socket). */
  readonly transport: Transport;
  /** Makes a fresh linked transport per call, so reconnects can be tested. */
  readonly connector: Connector;
  /** The server handle: scripting, faults, inspection. */
  readonly server: FakeServer;
}

type State = 'new' | 'open' | 'closing' | 'closed';

/** A client transport whose other end is a fake server connection. */
export class InMemoryTransport implements Transport {
  onclose?: ((code: number, reason: string) => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  #state: State = 'new';
  #onmessage: ((frame: string | Uint8Array) => void) | undefined;
  #peer: AcceptedConnection | undefined;
  readonly #early: (string | Uint8Array)[] = [];
  readonly #closeWaiters: (() => void)[] = [];

  constructor(
    private readonly server: FakeServer,
    private readonly dialect: Dialect,
    private readonly maxSessionDurationMs: number | undefined,
    private readonly callId: string | undefined = undefined,
  ) {}

  /**
   * The frame handler. Frames that arrived before it was set (`session.created` right after
   * `start()`) are held, and delivered in order on the next microtask once it is set.
   */
  get onmessage(): ((frame: string | Uint8Array) => void) | undefined {
    return this.#onmessage;
  }

  set onmessage(handler: ((frame: string | Uint8Array) => void) | undefined) {
    this.#onmessage = handler;
    // held frames went out only with the next frame, so with none coming they never arrived
    if (handler && this.#early.length) queueMicrotask(() => this.#flushEarly());
  }

  /** The server-side connection (after `start()`). */
  get raw(): AcceptedConnection | undefined {
    return this.#peer;
  }

  /** Connects; `session.created` follows asynchronously. */
  async start(): Promise<void> {
    if (this.#state !== 'new')
      throw new TransportClosedError(
        'InMemoryTransport.start: a transport can only be started once',
      );
    this.#state = 'open';
    const link = {
      send: (frame: string | Uint8Array) => queueMicrotask(() => this.#deliver(frame)),
      close: (code: number, reason: string) => queueMicrotask(() => this.#finish(code, reason)),
    };
    // a side-band: the call's session, or the refusal (an error, then close 4000) on the link
    if (this.callId !== undefined) {
      this.#peer = this.server.attachSideband(link, this.callId);
      return;
    }
    // a model the server does not serve: 101, then the error and the close, as the real API
    // does (no session is made, so nothing reaches the server's connections)
    const refusal = this.server.refusalOfInMemoryConnect();
    if (refusal) {
      queueMicrotask(() => this.#deliver(refusal.frame));
      queueMicrotask(() => this.#finish(refusal.code, refusal.reason));
      return;
    }
    this.#peer = this.server.accept(link, {
      dialect: this.dialect,
      ...(this.maxSessionDurationMs !== undefined
        ? { maxSessionDurationMs: this.maxSessionDurationMs }
        : {}),
    });
  }

  /** Sends one frame to the server (delivered on the next microtask). */
  send(frame: string): void {
    if (this.#state !== 'open')
      throw new TransportClosedError(`InMemoryTransport.send: the transport is ${this.#state}`);
    const peer = this.#peer;
    // refused at connect: the close is on its way, and a socket's frames sent meanwhile are lost
    if (!peer) return;
    // frames sent before close() still arrive: the close hop is queued after them
    queueMicrotask(() => {
      if (this.#state !== 'closed') peer.receive(frame);
    });
  }

  /** Closes from the client side; the server echoes the code. Resolves once `onclose` has fired. */
  close(code = 1000, reason = ''): Promise<void> {
    if (this.#state === 'closed') return Promise.resolve();
    const done = new Promise<void>((resolve) => this.#closeWaiters.push(resolve));
    if (this.#state === 'new') {
      this.#finish(code, reason);
      return done;
    }
    if (this.#state === 'open') {
      this.#state = 'closing';
      const peer = this.#peer;
      queueMicrotask(() => {
        peer?.closed(code, reason);
        this.#finish(code, reason);
      });
    }
    return done;
  }

  #deliver(frame: string | Uint8Array): void {
    if (this.#state !== 'open') return;
    this.#early.push(frame);
    this.#flushEarly();
  }

  // delivers held frames in order while open and handled (a handler may close or unset it)
  #flushEarly(): void {
    while (this.#early.length && this.#state === 'open' && this.#onmessage)
      this.#onmessage(this.#early.shift() as string | Uint8Array);
  }

  #finish(code: number, reason: string): void {
    if (this.#state === 'closed') return;
    const serverSide = this.#state === 'open';
    this.#state = 'closed';
    if (serverSide) this.#peer?.closed(code, reason);
    this.onclose?.(code, reason);
    for (const w of this.#closeWaiters.splice(0)) w();
  }
}

// options a transport of its own may set when it shares an existing server
const TRANSPORT_OPTIONS: ReadonlySet<string> = new Set([
  'server',
  'dialect',
  'maxSessionDurationMs',
  'callId',
]);

// the other options configure a server, which exists already: they would silently do nothing
function checkSharedServerOptions(options: CreateFakeServerOptions): void {
  const ignored = Object.entries(options)
    .filter(([key, value]) => value !== undefined && !TRANSPORT_OPTIONS.has(key))
    .map(([key]) => `'${key}'`);
  if (ignored.length)
    throw new FakeServerOptionsError(
      `createFakeServer: ${ignored.join(', ')} would be ignored with an existing \`server\` (it keeps the options it was made with); only 'dialect', 'maxSessionDurationMs' and 'callId' apply to the new transport`,
    );
}

/**
 * Creates a fake server with a linked client transport and a connector for reconnects.
 *
 * @example
 * const { connector, server } = createFakeServer();
 * server.queueResponse((ctx) => ctx.say('Hello!'));
 */
export function createFakeServer(options: CreateFakeServerOptions = {}): FakeServerKit {
  if (options.server) checkSharedServerOptions(options);
  // a new server knows no call: the side-band could only be refused
  else if (options.callId !== undefined)
    throw new FakeServerOptionsError(
      'createFakeServer: `callId` needs the `server` that carries the call',
    );
  const callId = options.callId;
  const server = options.server ?? new FakeServer(options);
  const dialect = options.dialect ?? 'ga';
  const max = options.maxSessionDurationMs ?? MAX_SESSION_DURATION_MS.openai;
  const connector: Connector = async () => {
    const rejection = server.faults.takeConnectRejection();
    if (rejection) throw rejection;
    const connection: Connection = {
      transport: new InMemoryTransport(server, dialect, max, callId),
      dialect,
      maxSessionDurationMs: max,
      description: `voxwire fake server (in memory, ${dialect})`,
      // a side-band, as the node and Azure connectors report one: the call carries the audio
      // and keeps its session when the side-band drops
      ...(callId === undefined ? {} : { audioPath: 'media' as const, persistentSession: true }),
    };
    return connection;
  };
  return { transport: new InMemoryTransport(server, dialect, max, callId), connector, server };
}
