/**
 * The ws mode: the fake server behind a real WebSocket on 127.0.0.1 (or TLS with a given
 * certificate, for clients that insist on `wss:`), judging handshakes as OpenAI and Azure do.
 * @module
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server as HttpServer,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Clock } from '@voxwire/protocol';
import { MAX_SESSION_DURATION_MS, systemClock } from '@voxwire/protocol';
import { FakeServerOptionsError } from '../errors.js';
import { FakeServer, type FakeServerOptions } from '../server/fake-server.js';
import { closeReasonOf, judgeHandshake, type HandshakeRecord } from './handshake.js';
import { serveClientSecrets } from './client-secrets-http.js';
import { UpgradeRefusals, type RefuseUpgradesOptions } from './upgrade-refusals.js';
import { startPings, UnpluggedSockets } from './socket-network.js';
import { serveWebRtcCalls } from './web-rtc-http.js';
import { serveCallControlHttp } from './calls-control-http.js';
import { serveFakeSipCaller, serveFakeSipIncoming } from './fake-sip-http.js';
import type { FakeSipCall } from '../server/calls/call-record.js';
import type { SipIncomingOptions } from '../server/calls/registry.js';
import { urlHostOf } from './listen-address.js';
import { loadWerift, type FakeWsWebRtcCall, type WeriftCall } from './werift-peer.js';

export type { RefuseUpgradesOptions } from './upgrade-refusals.js';

/** Options of {@link startFakeWsServer}. */
export interface FakeWsServerOptions extends Omit<FakeServerOptions, 'dialect'> {
  /**
   * TCP port; 0 picks a free one.
   * @default 0
   */
  readonly port?: number | undefined;
  /**
   * Interface to listen on; `0.0.0.0` or `::` for every interface (`url` then names loopback).
   * @default '127.0.0.1'
   */
  readonly host?: string | undefined;
  /**
   * The only API key accepted; any non-empty key is accepted when absent. Client secrets minted
   * by `POST /v1/realtime/client_secrets` (which takes this key, never an `ek_…` one) are
   * accepted too until they expire, with or without it.
   * @default undefined
   */
  readonly apiKey?: string | undefined;
  /**
   * Whether the Azure paths (`/openai/v1/realtime`, `/openai/realtime`, and the mint
   * `/openai/v1/realtime/client_secrets`) are served.
   * @default true
   */
  readonly azure?: boolean | undefined;
  /**
   * What `OpenAI-Beta: realtime=v1` (or the beta subprotocol) does on `/v1/realtime`: refuse it
   * as api.openai.com now does (`beta_api_shape_disabled`, close 4000; protocol.md §0), or
   * `'accept'` to speak beta, for tests of a beta client. Azure's preview path speaks beta always.
   * @default 'refuse'
   */
  readonly beta?: 'accept' | 'refuse' | undefined;
  /**
   * Interval of server pings in clock ms; `false` disables them.
   * @default 20000
   */
  readonly pingIntervalMs?: number | false | undefined;
  /**
   * Serve `wss:` with this certificate (PEM) instead of plain `ws:`.
   * @default undefined
   */
  readonly tls?:
    { readonly key: string | Uint8Array; readonly cert: string | Uint8Array } | undefined;
  /**
   * The clock of server timers (pings, pacing, expiry). With `server`, it drives the pings only
   * (the fake server keeps its own clock).
   * @default the clock of `server` when given, else systemClock
   */
  readonly clock?: Clock | undefined;
  /**
   * An existing fake server to serve (shares scripting across modes). With it, only the ws
   * options (`port`, `host`, `apiKey`, `azure`, `beta`, `pingIntervalMs`, `tls`, `clock`) and
   * `maxSessionDurationMs` may be set; any other option throws {@link FakeServerOptionsError}.
   * @default new FakeServer(options)
   */
  readonly server?: FakeServer | undefined;
  /**
   * Also serve WebRTC: `POST /v1/realtime/calls` (and Azure's `/openai/v1/realtime/calls` with
   * `azure`) answered by a real peer on 127.0.0.1, made with the optional peer dependency
   * `werift` (install `werift@0.24.4`), its `oai-events` channel a media connection of the fake
   * server (`audioPath: 'media'`). CORS is allowed, as the API allows browsers. The model's
   * voice is Opus silence; the microphone's packets are counted, not decoded (see
   * {@link FakeWsWebRtcCall.hear}).
   * @default false
   */
  readonly webRtc?: boolean | undefined;
}

/** A running ws fake server. */
export interface FakeWsServer {
  /**
   * The OpenAI-style base URL: `ws://127.0.0.1:PORT/v1` (`wss://` with TLS). Bound to a
   * wildcard `host` (`0.0.0.0`, `::`), it names the loopback address of that family
   * (`127.0.0.1`, `[::1]`): a wildcard is no address to connect to, and the connectors send a
   * key over plain `ws:` to loopback only. Other hosts use one of this machine's addresses.
   */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** The scripted server behind it. */
  readonly server: FakeServer;
  /** Every handshake so far, in order. */
  readonly handshakes: readonly HandshakeRecord[];
  /** Open sockets. */
  readonly sockets: ReadonlySet<WebSocket>;
  /** Every WebRTC call answered with 201 (`webRtc: true`), oldest first. */
  readonly webRtcCalls: readonly FakeWsWebRtcCall[];
  /**
   * The SIP trunk of the served fake server (`server.sip`): `incoming()` places a ringing call
   * (its webhook POSTed with the `webhook` option), as `POST /fake/sip/incoming` does; `POST
   * /fake/sip/calls/{id}/speak|hangup` drive its caller over HTTP (`serveFakeSipCaller`). The
   * calls placed so (not those of `server.sip` itself) are hung up by `close()`.
   */
  readonly sip: { incoming(options?: SipIncomingOptions): FakeSipCall };
  /**
   * Refuses the next `count` upgrades with an HTTP status (503, 429, 401, …), replacing the
   * refusals set before; the second argument is the count (every upgrade when absent) or
   * options with it and `optional`. Refusals no upgrade took (or, with no count, a call that
   * refused none) are reported by `server.assertComplete()` unless optional, as unused
   * `faults.rejectConnects` are.
   * @throws FakeServerOptionsError on a status that is not an integer 400–599, a count that is
   * not an integer ≥ 0 or Infinity, or an `optional` that is not a boolean; nothing changes then.
   */
  refuseUpgrades(status: number, count?: number | RefuseUpgradesOptions): void;
  /**
   * When on, new connections are accepted (101) but never get `session.created`. A state, not
   * a count: `assertComplete()` does not track it.
   */
  setStall(on: boolean): void;
  /**
   * When off, client pings get no pong. A state, not a count: `assertComplete()` does not
   * track it.
   */
  setAnswerPings(on: boolean): void;
  /**
   * The network of every open socket dies without a close: the server stops reading them (what
   * their clients write piles up in the buffers, `bufferedAmount` grows) and sends them nothing
   * more (no event, ping, pong or close: a close the fake makes meanwhile is held back). The
   * fake's sessions on them go on as if their clients were silent. Sockets opened later are not
   * affected; `close()` ends the unplugged ones too.
   */
  unplug(): void;
  /**
   * Stops listening, hangs up the SIP calls placed through it, terminates every socket and
   * closes every WebRTC peer (one still being answered too: its POST gets no answer); resolves
   * once the fake server has seen each connection close (code 1006) and each peer is released. A plain HTTP request still in
   * flight (a mint whose body has not all arrived) has its connection destroyed, unanswered.
   */
  close(): Promise<void>;
}

// what a ws server of its own may set when it serves an existing fake server (`clock` drives
// its pings, `maxSessionDurationMs` is applied per handshake)
const WS_OPTIONS: ReadonlySet<string> = new Set([
  'server',
  'port',
  'host',
  'apiKey',
  'azure',
  'beta',
  'pingIntervalMs',
  'tls',
  'clock',
  'maxSessionDurationMs',
  'webRtc',
]);

// the other options configure a fake server, which exists already: they would silently do
// nothing (createFakeServer refuses them the same way)
function checkSharedServerOptions(options: FakeWsServerOptions): void {
  const ignored = Object.entries(options)
    .filter(([key, value]) => value !== undefined && !WS_OPTIONS.has(key))
    .map(([key]) => `'${key}'`);
  if (ignored.length)
    throw new FakeServerOptionsError(
      `startFakeWsServer: ${ignored.join(', ')} would be ignored with an existing \`server\` (it keeps the options it was made with); set them on the FakeServer instead`,
    );
}

/**
 * Starts the fake over a real WebSocket (and, with `webRtc`, a real WebRTC calls endpoint).
 * @throws FakeServerOptionsError on a bad port, or with `server`, on an option only a new fake
 * server would use (`pacing`, `behaviour`, …): it keeps the options it was made with.
 * @throws WebRtcUnavailableError with `webRtc: true` when `werift` cannot be imported.
 */
export async function startFakeWsServer(options: FakeWsServerOptions = {}): Promise<FakeWsServer> {
  if (options.server) checkSharedServerOptions(options);
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new FakeServerOptionsError(`port must be an integer 0–65535, got ${port}`);
  // a served fake server already has a clock: its pings must run on the time its other timers
  // (expiry, pacing, idle) run on, or a test that advances a simulated clock never sees them
  const clock = options.clock ?? options.server?.clock ?? systemClock;
  // before anything listens: a missing werift must leave nothing to close
  const werift = options.webRtc === true ? await loadWerift() : undefined;
  const { webRtc: _webRtc, ...serverOptions } = options;
  const server = options.server ?? new FakeServer({ ...serverOptions, clock });
  const http: HttpServer = options.tls
    ? createHttpsServer({ key: options.tls.key as string, cert: options.tls.cert as string })
    : createHttpServer();
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    // pongs are sent by hand so that setAnswerPings(false) can drop them
    autoPong: false,
    maxPayload: 64 * 1024 * 1024,
    handleProtocols: (protocols) => (protocols.has('realtime') ? 'realtime' : false),
  });
  const handshakes: HandshakeRecord[] = [];
  const sockets = new Set<WebSocket>();
  const unplugged = new UnpluggedSockets();
  const refusals = new UpgradeRefusals();
  // served fake servers may outlive this ws server: its unused refusals are still reported
  server.faults.addTracker(() => refusals.neverUsed());
  let stall = false;
  let answerPings = true;
  const calls: WeriftCall[] = [];
  // answers werift is still making: close() waits for each to be sent or its peer released
  const answering = new Set<Promise<void>>();
  let closing = false;
  let callCount = 0;
  // SIP calls placed through this ws server: its close hangs them up (their sessions have no
  // socket that would end them, and a ringing call's timeout would outlive it)
  const sipCalls: FakeSipCall[] = [];
  const placeSipCall = (o?: SipIncomingOptions): FakeSipCall => {
    const call = server.sip.incoming(o);
    sipCalls.push(call);
    return call;
  };

  http.on('request', (req, res) => {
    const served = serveClientSecrets(req, res, {
      apiKey: options.apiKey,
      azure: options.azure ?? true,
      mint: (body) => server.mintClientSecret(body),
    });
    if (served) return;
    const endpoint = { server, apiKey: options.apiKey, azure: options.azure ?? true };
    if (serveCallControlHttp(req, res, endpoint)) return;
    if (serveFakeSipIncoming(req, res, placeSipCall, server.clock)) return;
    // any SIP call the served server knows (placed here or by `server.sip.incoming`)
    if (serveFakeSipCaller(req, res, (id) => server.calls.find((c) => c.callId === id))) return;
    if (
      werift &&
      serveWebRtcCalls(req, res, {
        werift,
        server,
        clock,
        apiKey: options.apiKey,
        azure: options.azure ?? true,
        checkSession: (session) => server.checkSessionConfig(session),
        maxSessionDurationMs: options.maxSessionDurationMs,
        newCallId: () => `rtc_${String(++callCount).padStart(4, '0')}`,
        track: (call) => {
          calls.push(call);
          // answered while the ws fake closed: nothing would ever close its peer
          if (closing) void call.end(1006, '');
        },
        answering: (answer) => {
          answering.add(answer);
          void answer.then(() => answering.delete(answer));
        },
      })
    )
      return;
    res
      .writeHead(426, { 'content-type': 'text/plain' })
      .end('Upgrade Required: this is a WebSocket endpoint');
  });
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const rec: HandshakeRecord = {
      url: req.url ?? '/',
      headers: { ...req.headers },
      subprotocols: String(req.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      outcome: 'accepted',
    };
    handshakes.push(rec);
    // Node takes its own error listener off an upgraded socket: a client that resets the
    // connection mid-refusal must not become an uncaught exception in the test process
    socket.on('error', () => undefined);
    const refuse = (status: number, body: string) => {
      rec.outcome = `http ${status}`;
      socket.end(
        `HTTP/1.1 ${status} ${statusText(status)}\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    };
    const refusal = refusals.take();
    if (refusal !== undefined)
      return refuse(refusal, 'refused by the fake server (fault injection)');
    if (server.faults.takeConnectRejection())
      return refuse(503, 'Service Unavailable (fault injection)');
    const verdict = judgeHandshake(rec, {
      apiKey: options.apiKey,
      azure: options.azure ?? true,
      beta: options.beta ?? 'refuse',
      // the served fake server's, so a `server` shared across modes refuses the same models
      models: server.models,
      clientSecret: (key) => server.clientSecretState(key),
    });
    if (verdict.kind === 'http') return refuse(verdict.status, verdict.body);
    wss.handleUpgrade(req, socket, head, (ws) => {
      // `ws` reports a client's protocol violation (invalid UTF-8, an oversized frame, a bad
      // close code) as an 'error' and then closes with the matching code (1007, 1009, 1002);
      // without a listener it would be an uncaught exception that ends the test run or the CLI
      ws.on('error', () => undefined);
      sockets.add(ws);
      unplugged.accepted(ws, socket);
      ws.on('close', () => sockets.delete(ws));
      ws.on('ping', (data) => {
        if (answerPings && !unplugged.has(ws)) ws.pong(data);
      });
      if (verdict.kind === 'fatal') {
        // the real server upgrades first, then sends the error and closes in the same millisecond
        rec.outcome = `closed ${verdict.closeCode}`;
        ws.send(
          JSON.stringify({
            type: 'error',
            event_id: `event_handshake_${handshakes.length}`,
            error: verdict.error,
          }),
        );
        ws.close(verdict.closeCode, closeReasonOf(verdict.error));
        return;
      }
      if (stall) {
        rec.outcome = 'stalled';
        return;
      }
      const link = {
        send: (frame: string | Uint8Array) => {
          if (ws.readyState === ws.OPEN && !unplugged.has(ws))
            ws.send(frame, { binary: typeof frame !== 'string' });
        },
        close: (code: number, reason: string) => {
          if (unplugged.has(ws)) return;
          if (code === 1006) ws.terminate();
          else ws.close(code, reason);
        },
      };
      // a side-band joins its call's session; refused (unknown or inactive call), the link
      // already carries the error and close 4000
      const accepted =
        verdict.callId !== undefined
          ? server.attachSideband(link, verdict.callId)
          : server.accept(link, {
              dialect: verdict.dialect,
              model: verdict.model,
              transcription: verdict.transcription,
              provider: verdict.provider,
              clientSecret: verdict.clientSecret,
              maxSessionDurationMs:
                options.maxSessionDurationMs ??
                (verdict.provider === 'azure'
                  ? MAX_SESSION_DURATION_MS.azure
                  : MAX_SESSION_DURATION_MS.openai),
            });
      if (!accepted) {
        rec.outcome = 'closed 4000';
        return;
      }
      ws.on('message', (data, isBinary) => {
        const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
        accepted.receive(isBinary ? new Uint8Array(bytes) : bytes.toString('utf8'));
      });
      ws.on('close', (code, reason) => accepted.closed(code, reason.toString('utf8')));
      startPings(ws, clock, options.pingIntervalMs ?? 20_000, unplugged);
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, options.host ?? '127.0.0.1', () => resolve());
  });
  const actualPort = (http.address() as AddressInfo).port;
  const scheme = options.tls ? 'wss' : 'ws';
  return {
    url: `${scheme}://${urlHostOf(options.host ?? '127.0.0.1')}:${actualPort}/v1`,
    port: actualPort,
    server,
    handshakes,
    sockets,
    webRtcCalls: calls,
    sip: { incoming: placeSipCall },
    refuseUpgrades: (status, count) => refusals.set(status, count),
    setStall: (on) => {
      stall = on;
    },
    setAnswerPings: (on) => {
      answerPings = on;
    },
    unplug: () => unplugged.unplug(sockets),
    close: async () => {
      closing = true;
      for (const call of sipCalls) call.hangUp();
      // a lost connection (1006), as a terminated socket's: the server's side did not hang up
      await Promise.all(calls.map((call) => call.end(1006, '')));
      // `terminate` reports the close on a later tick: wait for it, so that once this resolves
      // the fake server has seen every connection close (assertClosed passes, no timer is left)
      const gone = [...sockets].map((ws) => new Promise<void>((r) => ws.once('close', () => r())));
      for (const ws of sockets) ws.terminate();
      await Promise.all(gone);
      wss.close();
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      // http.close() only ends idle connections: a plain HTTP request still in flight (a mint
      // whose body is half sent, a client that stalled after its headers) would hold it for ever
      http.closeAllConnections();
      await closed;
      // a call werift was still answering: its request's connection is gone now, so its peer
      // is released (and anything answered meanwhile was ended by `track`)
      await Promise.all(answering);
      await Promise.all(calls.map((call) => call.closed));
    },
  };
}

// an IPv6 literal goes in brackets in a URL (`ws://[::1]:8080`)
function statusText(status: number): string {
  const texts: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
  };
  return texts[status] ?? 'Error';
}
