import { FakeServer, SimulatedClock, deferred } from '@voxwire/testing';
import { describe, expect, it } from 'vitest';
import {
  RealtimeModel,
  StandardWebSocketTransport,
  openaiWebSocketConnector,
  webSocketConnector,
  type StandardWebSocket,
  type StandardWebSocketConstructor,
  type StandardWebSocketEvent,
} from '../src/index.js';
import { outcome } from './helpers.js';

// the DOM's WebSocket (browsers, Deno, Bun, Node 22+) fits the injected constructor type; this
// function is only type-checked: Node 20 has no global WebSocket
export function domWebSocketFits(): StandardWebSocketConstructor {
  return WebSocket;
}

type Listener = (event: unknown) => void;

/** A scripted standard WebSocket: the test opens, feeds and closes it. */
class ScriptedSocket implements StandardWebSocket {
  static made: ScriptedSocket[] = [];
  readyState = 0;
  bufferedAmount = 0;
  protocol = '';
  binaryType = 'blob';
  readonly sent: string[] = [];
  readonly closeCalls: [number | undefined, string | undefined][] = [];
  refuseCode = false;
  readonly #listeners = new Map<string, Listener[]>();

  constructor(
    readonly url: string,
    readonly protocols: string[] = [],
  ) {
    ScriptedSocket.made.push(this);
  }

  addEventListener(type: string, listener: Listener): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }

  send(data: string): void {
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    if (this.refuseCode && code !== undefined && code !== 1000)
      throw new Error('InvalidAccessError');
    this.closeCalls.push([code, reason]);
    this.readyState = 2;
  }

  emit(type: string, event: StandardWebSocketEvent = {}): void {
    if (type === 'open') this.readyState = 1;
    if (type === 'close') this.readyState = 3;
    for (const l of this.#listeners.get(type) ?? []) l(event);
  }
}

function scripted(): { ctor: StandardWebSocketConstructor; last: () => ScriptedSocket } {
  ScriptedSocket.made = [];
  return { ctor: ScriptedSocket, last: () => ScriptedSocket.made.at(-1)! };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('StandardWebSocketTransport', () => {
  it('opens, delivers text and binary frames in order (buffered until onmessage is set), sends, closes once', async () => {
    const { ctor, last } = scripted();
    const t = new StandardWebSocketTransport({
      WebSocket: ctor,
      url: 'wss://x.test/v1',
      protocols: ['realtime'],
    });
    const closes: [number, string][] = [];
    t.onclose = (code, reason) => closes.push([code, reason]);
    const started = outcome(t.start());
    const socket = last();
    expect(socket.url).toBe('wss://x.test/v1');
    expect(socket.protocols).toEqual(['realtime']);
    expect(socket.binaryType).toBe('arraybuffer');
    expect(() => t.send('early')).toThrow(expect.objectContaining({ code: 'NOT_CONNECTED' }));
    socket.protocol = 'realtime';
    socket.emit('open');
    await flush();
    expect(started.done).toBe(true);
    expect(started.error).toBeUndefined();
    expect(t.protocol).toBe('realtime');
    socket.emit('message', { data: '{"a":1}' });
    socket.emit('message', { data: new Uint8Array([1, 2, 3]).buffer });
    const frames: (string | Uint8Array)[] = [];
    t.onmessage = (f) => frames.push(f);
    socket.emit('message', { data: '{"b":2}' });
    expect(frames).toEqual(['{"a":1}', new Uint8Array([1, 2, 3]), '{"b":2}']);
    t.send('{"type":"x"}');
    expect(socket.sent).toEqual(['{"type":"x"}']);
    socket.bufferedAmount = 42;
    expect(t.bufferedAmount).toBe(42);
    const closed = outcome(t.close(1000, 'bye'));
    expect(socket.closeCalls).toEqual([[1000, 'bye']]);
    await flush();
    expect(closed.done).toBe(false);
    socket.emit('close', { code: 1000, reason: 'bye' });
    await flush();
    expect(closed.done).toBe(true);
    expect(closes).toEqual([[1000, 'bye']]);
    await t.close();
    expect(closes).toHaveLength(1);
    expect(() => t.send('late')).toThrow(expect.objectContaining({ code: 'NOT_CONNECTED' }));
  });

  it('a handshake that fails rejects start() with CONNECT_FAILED and reports one close (1006)', async () => {
    const { ctor, last } = scripted();
    const t = new StandardWebSocketTransport({
      WebSocket: ctor,
      url: 'wss://x.test/v1?api-key=secret123',
    });
    const closes: [number, string][] = [];
    const errors: Error[] = [];
    t.onclose = (code, reason) => closes.push([code, reason]);
    t.onerror = (e) => errors.push(e);
    const started = outcome(t.start());
    last().emit('error');
    last().emit('close', { code: 1006, reason: '' });
    await flush();
    expect(started.error).toMatchObject({ code: 'CONNECT_FAILED', data: { closeCode: 1006 } });
    // a browser says nothing of why: the URL (without its query, which may carry a key) is what
    // the app can check
    expect((started.error as Error).message).toBe(
      'the WebSocket to wss://x.test/v1 closed before the handshake completed (close 1006; a browser does not say why: a wrong URL, a server down, a refused handshake)',
    );
    expect(closes).toEqual([[1006, '']]);
    expect(errors).toEqual([]);
    await expect(t.start()).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
  });

  it('a constructor that throws fails start() with INVALID_ARGUMENT (fatal: it throws every time), without repeating its message (it may quote a key)', async () => {
    const Throwing = class {
      constructor() {
        throw new SyntaxError('bad subprotocol openai-insecure-api-key.ek_secret value');
      }
    } as unknown as StandardWebSocketConstructor;
    const t = new StandardWebSocketTransport({ WebSocket: Throwing, url: 'wss://x.test/v1' });
    const closes: number[] = [];
    t.onclose = (code) => closes.push(code);
    const error = await t.start().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(String((error as Error).message)).not.toContain('ek_secret');
    expect(closes).toEqual([1006]);
  });

  it('reports errors after open and listener failures on onerror; falls back to a plain close for a code the socket refuses', async () => {
    const { ctor, last } = scripted();
    const t = new StandardWebSocketTransport({ WebSocket: ctor, url: 'wss://x.test/v1' });
    const errors: Error[] = [];
    t.onerror = (e) => errors.push(e);
    const started = t.start();
    last().emit('open');
    await started;
    t.onmessage = () => {
      throw new Error('listener broke');
    };
    last().emit('message', { data: 'x' });
    last().emit('error');
    expect(errors.map((e) => e.message)).toEqual(['listener broke', 'WebSocket error']);
    expect(errors[1]).toMatchObject({ code: 'SOCKET_ERROR' });
    last().refuseCode = true;
    void t.close(1011, 'no');
    expect(last().closeCalls).toEqual([[undefined, undefined]]);
  });

  it('close() before start() closes at once; close() while connecting closes the socket and rejects start()', async () => {
    const { ctor, last } = scripted();
    const idle = new StandardWebSocketTransport({ WebSocket: ctor, url: 'wss://x.test/v1' });
    const idleCloses: number[] = [];
    idle.onclose = (code) => idleCloses.push(code);
    await idle.close(1000);
    expect(idleCloses).toEqual([1000]);
    expect(ScriptedSocket.made).toHaveLength(0);

    const t = new StandardWebSocketTransport({ WebSocket: ctor, url: 'wss://x.test/v1' });
    const started = outcome(t.start());
    const closed = outcome(t.close());
    expect(last().closeCalls).toEqual([[1000, '']]);
    last().emit('close', { code: 1005, reason: '' });
    await flush();
    // the caller's own close is no failed handshake: ABORTED, as the ws transport says
    expect(started.error).toMatchObject({ code: 'ABORTED' });
    expect(closed.done).toBe(true);
  });

  it('close() on a dead network reports the close (1006) after closeTimeoutMs instead of waiting for the browser', async () => {
    const { ctor, last } = scripted();
    const clock = new SimulatedClock();
    const t = new StandardWebSocketTransport({
      WebSocket: ctor,
      url: 'wss://x.test/v1',
      clock,
      closeTimeoutMs: 2_000,
    });
    const closes: [number, string][] = [];
    t.onclose = (code, reason) => closes.push([code, reason]);
    const started = t.start();
    last().emit('open');
    await started;
    const closed = outcome(t.close(1000, 'bye'));
    await clock.advanceAsync(1_999);
    expect(closed.done).toBe(false);
    await clock.advanceAsync(1);
    expect(closed.done).toBe(true);
    expect(closes).toEqual([[1006, 'close timeout: no close frame within 2000 ms']]);
    // the browser's own close, a minute later, changes nothing
    last().emit('close', { code: 1006, reason: '' });
    expect(closes).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it("a server's close reason that quotes a credential-like query value or the key subprotocol is redacted", async () => {
    const { ctor, last } = scripted();
    const SUB = 'apim-query-subscription-71c2';
    const t = new StandardWebSocketTransport({
      WebSocket: ctor,
      url: `wss://gw.example/openai/v1/realtime?subscription-key=${SUB}&model=m`,
      protocols: ['realtime', 'openai-insecure-api-key.ek_live_9a8b7c'],
    });
    const closes: [number, string][] = [];
    t.onclose = (code, reason) => closes.push([code, reason]);
    const started = t.start();
    last().emit('open');
    await started;
    // a gateway echoing the request it refused
    last().emit('close', {
      code: 4001,
      reason: `denied subscription-key=${SUB} for ek_live_9a8b7c (model=m)`,
    });
    expect(closes).toEqual([[4001, 'denied subscription-key=[REDACTED] for [REDACTED] (model=m)']]);
  });

  it('a close that completes in time clears the close timer; the default timeout is 5 s', async () => {
    const { ctor, last } = scripted();
    const clock = new SimulatedClock();
    const t = new StandardWebSocketTransport({ WebSocket: ctor, url: 'wss://x.test/v1', clock });
    const closes: number[] = [];
    t.onclose = (code) => closes.push(code);
    const started = t.start();
    last().emit('open');
    await started;
    void t.close();
    expect(clock.pendingTimers).toBe(1);
    last().emit('close', { code: 1000, reason: '' });
    expect(clock.pendingTimers).toBe(0);
    expect(closes).toEqual([1000]);

    const slow = new StandardWebSocketTransport({ WebSocket: ctor, url: 'wss://x.test/v1', clock });
    const slowCloses: number[] = [];
    slow.onclose = (code) => slowCloses.push(code);
    const slowStarted = slow.start();
    last().emit('open');
    await slowStarted;
    void slow.close();
    await clock.advanceAsync(4_999);
    expect(slowCloses).toEqual([]);
    await clock.advanceAsync(1);
    expect(slowCloses).toEqual([1006]);
  });

  it('close() while connecting on a socket that never reports its close still rejects start() with ABORTED and closes', async () => {
    const { ctor } = scripted();
    const clock = new SimulatedClock();
    const t = new StandardWebSocketTransport({
      WebSocket: ctor,
      url: 'wss://x.test/v1',
      clock,
      closeTimeoutMs: 1_000,
    });
    const closes: number[] = [];
    t.onclose = (code) => closes.push(code);
    const started = outcome(t.start());
    const closed = outcome(t.close());
    await clock.advanceAsync(1_000);
    expect(started.error).toMatchObject({ code: 'ABORTED' });
    expect(closed.done).toBe(true);
    expect(closes).toEqual([1006]);
  });

  it('refuses a closeTimeoutMs that is not a positive number', () => {
    const { ctor } = scripted();
    for (const closeTimeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(
        () => new StandardWebSocketTransport({ WebSocket: ctor, url: 'wss://x', closeTimeoutMs }),
      ).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('a session over a socket that never answers its close frame still closes (webSocketConnector passes clock and closeTimeoutMs)', async () => {
    const { ctor, last } = scripted();
    const clock = new SimulatedClock();
    const model = new RealtimeModel({
      clock,
      connector: webSocketConnector({
        WebSocket: ctor,
        url: 'wss://x.test/v1/realtime',
        clock,
        closeTimeoutMs: 3_000,
      }),
    });
    const session = model.session();
    await clock.advanceAsync(0);
    last().emit('open');
    await clock.advanceAsync(0);
    expect(session.connectionState.status).toBe('open');
    const closed = outcome(session.close());
    await clock.advanceAsync(2_999);
    expect(closed.done).toBe(false);
    await clock.advanceAsync(1);
    expect(closed.done).toBe(true);
    expect(session.connectionState.status).toBe('closed');
  });
});

describe('openaiWebSocketConnector', () => {
  const attempt = (n = 0) => ({ attempt: n, signal: new AbortController().signal });

  it('connects to /v1/realtime?model= with the secret in the subprotocols', async () => {
    const { ctor, last } = scripted();
    const connector = openaiWebSocketConnector({
      WebSocket: ctor,
      clientSecret: 'ek_abc123',
      model: 'gpt-realtime-mini',
      organization: 'org_1',
      project: 'proj_1',
    });
    const connection = await connector(attempt());
    expect(connection).toMatchObject({ dialect: 'ga', maxSessionDurationMs: 3_600_000 });
    expect(connection.description).toBe('openai wss://api.openai.com/v1/realtime (ga)');
    void connection.transport.start();
    expect(last().url).toBe('wss://api.openai.com/v1/realtime?model=gpt-realtime-mini');
    expect(last().protocols).toEqual([
      'realtime',
      'openai-insecure-api-key.ek_abc123',
      'openai-organization.org_1',
      'openai-project.proj_1',
    ]);
  });

  it('refuses a key that is no option, naming the one it was likely meant to be (baseUrl would connect to api.openai.com)', () => {
    const { ctor } = scripted();
    const make = (extra: object) => () =>
      openaiWebSocketConnector({ WebSocket: ctor, clientSecret: 'ek_abc123', ...extra } as never);
    expect(make({ baseUrl: 'wss://proxy.test/v1' })).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        data: { argument: 'baseUrl' },
        message: 'baseUrl is no option of openaiWebSocketConnector (did you mean baseURL?)',
      }),
    );
    expect(make({ bogus: 1 })).toThrow(
      expect.objectContaining({ message: 'bogus is no option of openaiWebSocketConnector' }),
    );
    expect(make({ baseURL: undefined, extra: undefined })).not.toThrow();
  });

  it('refuses an organization or project a subprotocol cannot carry, and keeps a query of the base URL', async () => {
    const { ctor, last } = scripted();
    for (const [options, argument] of [
      [{ organization: 'Acme Corp' }, 'organization'],
      [{ project: 'proj_1,proj_2' }, 'project'],
    ] as const)
      expect(() =>
        openaiWebSocketConnector({ WebSocket: ctor, clientSecret: 'ek_1', ...options }),
      ).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', data: { argument } }));
    const connector = openaiWebSocketConnector({
      WebSocket: ctor,
      clientSecret: 'ek_1',
      baseURL: 'https://proxy.example/v1?tenant=acme',
    });
    void (await connector(attempt())).transport.start();
    const url = new URL(last().url);
    expect(url.pathname).toBe('/v1/realtime');
    expect(url.searchParams.get('tenant')).toBe('acme');
    expect(url.searchParams.get('model')).toBe('gpt-realtime');
  });

  it('a secret function that gives what a subprotocol cannot carry ends the session at once, without retrying', async () => {
    const { ctor } = scripted();
    let made = 0;
    const counting = class extends (ctor as unknown as new (u: string, p?: string[]) => object) {
      constructor(url: string, protocols?: string[]) {
        made++;
        super(url, protocols);
      }
    } as unknown as StandardWebSocketConstructor;
    const clock = new SimulatedClock();
    const model = new RealtimeModel({
      connector: webSocketConnector({
        WebSocket: counting,
        url: 'wss://x.test/v1/realtime',
        protocols: () => ['realtime', 'openai-insecure-api-key.ek_a b'],
      }),
      clock,
    });
    const session = model.session();
    const closed = new Promise<{ error: { code: string } | undefined }>((resolve) =>
      session.once('closed', resolve),
    );
    await clock.advanceAsync(60_000);
    expect((await closed).error?.code).toBe('INVALID_ARGUMENT');
    expect(made).toBe(0);
  });

  it('a retry while a slow secret fetch is still pending waits for it instead of fetching again', async () => {
    const { ctor, last } = scripted();
    let calls = 0;
    let release!: (secret: string) => void;
    const connector = openaiWebSocketConnector({
      WebSocket: ctor,
      clientSecret: () => {
        calls++;
        return new Promise<string>((resolve) => (release = resolve));
      },
    });
    // the first attempt timed out in the engine while its fetch went on; the retry overlaps it
    const asked = async (n: number) => {
      for (let i = 0; i < 20 && calls < n; i++) await Promise.resolve();
      expect(calls).toBe(n);
    };
    const first = connector(attempt(0));
    await asked(1);
    const retry = connector(attempt(1));
    for (let i = 0; i < 20; i++) await Promise.resolve();
    release('ek_slow1');
    const [a, b] = await Promise.all([first, retry]);
    expect(calls).toBe(1);
    void b.transport.start();
    expect(last().protocols[1]).toBe('openai-insecure-api-key.ek_slow1');
    void a;
    // settled: the next connect asks again
    const next = connector(attempt(2));
    await asked(2);
    release('ek_fresh2');
    void (await next).transport.start();
    expect(calls).toBe(2);
    expect(last().protocols[1]).toBe('openai-insecure-api-key.ek_fresh2');
  });

  it('a secret fetch that never settles is shared for three connect timeouts (30 s on the clock), then a new fetch connects; the old one failing late is ignored', async () => {
    const { ctor, last } = scripted();
    const clock = new SimulatedClock();
    const fetches: ReturnType<typeof deferred<string>>[] = [];
    const connector = openaiWebSocketConnector({
      WebSocket: ctor,
      clock,
      clientSecret: () => {
        const fetch = deferred<string>();
        fetches.push(fetch);
        return fetch.promise;
      },
    });
    // the page's request to its own backend went out on a dead socket: it never answers
    const hung = connector(attempt(0));
    hung.catch(() => undefined);
    await flush();
    expect(fetches).toHaveLength(1);
    // a retry inside the bound still waits for it (a slow network, not a dead one)
    clock.advance(29_999);
    const retry = connector(attempt(1));
    retry.catch(() => undefined);
    await flush();
    expect(fetches).toHaveLength(1);
    // past the bound, a later connect fetches again instead of waiting for ever
    clock.advance(1);
    const later = connector(attempt(2));
    await flush();
    expect(fetches).toHaveLength(2);
    // the dead request finally fails: that stale failure does not fail the new connect
    fetches[0]!.reject(new Error('net::ERR_CONNECTION_RESET'));
    await flush();
    fetches[1]!.resolve('ek_new1');
    void (await later).transport.start();
    expect(last().protocols[1]).toBe('openai-insecure-api-key.ek_new1');
  });

  it('refuses a maxSessionDurationMs under a minute (a unit slip), NaN or a non-number', () => {
    const { ctor } = scripted();
    for (const maxSessionDurationMs of [60, 0, Number.NaN, '3600000' as never])
      expect(() =>
        openaiWebSocketConnector({ WebSocket: ctor, clientSecret: 'ek_1', maxSessionDurationMs }),
      ).toThrow(
        expect.objectContaining({
          code: 'INVALID_ARGUMENT',
          data: { argument: 'maxSessionDurationMs' },
        }),
      );
  });

  it('a secret function that returns no secret is refused saying to throw instead (a thrown failure is retried)', async () => {
    const { ctor } = scripted();
    // the README's route read without checking res.ok: a 500's body has no key
    const connector = openaiWebSocketConnector({
      WebSocket: ctor,
      clientSecret: async () => (await Promise.resolve({} as { key?: string })).key as string,
    });
    await expect(connector(attempt(0))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message:
        'clientSecret must be a non-empty string (an ek_… secret) (the clientSecret function returned undefined: throw from it when your secret route fails, and the connect is retried)',
    });
    // a value given directly is refused as before, with no word of a function
    expect(() => openaiWebSocketConnector({ WebSocket: ctor, clientSecret: '' })).toThrow(
      expect.objectContaining({
        message: 'clientSecret must be a non-empty string (an ek_… secret)',
      }),
    );
  });

  it('asks a secret function again for every attempt', async () => {
    const { ctor, last } = scripted();
    const asked: number[] = [];
    const connector = openaiWebSocketConnector({
      WebSocket: ctor,
      clientSecret: async ({ attempt: n }) => {
        asked.push(n);
        return `ek_fresh${n}`;
      },
      baseURL: 'http://127.0.0.1:9999/v1',
    });
    for (const n of [0, 1]) void (await connector(attempt(n))).transport.start();
    expect(asked).toEqual([0, 1]);
    expect(last().url).toBe('ws://127.0.0.1:9999/v1/realtime?model=gpt-realtime');
    expect(last().protocols[1]).toBe('openai-insecure-api-key.ek_fresh1');
  });

  it.each([
    ['an API key', { clientSecret: 'sk-live-123' }, 'clientSecret'],
    ['an empty secret', { clientSecret: '' }, 'clientSecret'],
    ['a secret a subprotocol cannot carry', { clientSecret: 'ek_a b' }, 'clientSecret'],
    ['no secret', {}, 'clientSecret'],
    [
      'a plain-text URL to another host',
      { clientSecret: 'ek_1', baseURL: 'http://10.0.0.2/v1' },
      'baseURL',
    ],
    ['a URL that is not one', { clientSecret: 'ek_1', baseURL: 'not a url' }, 'baseURL'],
    ['an empty model', { clientSecret: 'ek_1', model: '' }, 'model'],
  ])('refuses %s with INVALID_ARGUMENT', (_name, options, argument) => {
    const { ctor } = scripted();
    expect(() =>
      openaiWebSocketConnector({ WebSocket: ctor, ...(options as object) } as never),
    ).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', data: { argument } }));
  });

  it('lets a non-ephemeral key or an insecure host through only when asked to', async () => {
    const { ctor, last } = scripted();
    const connector = openaiWebSocketConnector({
      WebSocket: ctor,
      clientSecret: 'fake-key',
      baseURL: 'http://fake:8080/v1',
      dangerouslyAllowNonEphemeralKey: true,
      allowInsecureUrl: true,
    });
    void (await connector(attempt())).transport.start();
    expect(last().url).toBe('ws://fake:8080/v1/realtime?model=gpt-realtime');
    expect(last().protocols[1]).toBe('openai-insecure-api-key.fake-key');
  });

  it('a secret function that gives an API key fails the connect with INVALID_ARGUMENT, and the session does not retry it', async () => {
    const { ctor } = scripted();
    const clock = new SimulatedClock();
    let asked = 0;
    const model = new RealtimeModel({
      clock,
      connector: openaiWebSocketConnector({
        WebSocket: ctor,
        clientSecret: () => {
          asked++;
          return 'sk-live-123';
        },
      }),
    });
    const session = model.session();
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    await clock.advanceAsync(60_000);
    expect(session.connectionState.status).toBe('closed');
    expect(asked).toBe(1);
    expect(ScriptedSocket.made).toHaveLength(0);
    expect(errors).toEqual([
      expect.objectContaining({ code: 'INVALID_ARGUMENT', data: { argument: 'clientSecret' } }),
    ]);
  });
});

describe('webSocketConnector', () => {
  it('refuses bad options with INVALID_ARGUMENT', () => {
    const { ctor } = scripted();
    const cases: [object, string][] = [
      [{ url: 'wss://x.test' }, 'WebSocket'],
      [{ WebSocket: ctor, url: 'https://x.test' }, 'url'],
      [{ WebSocket: ctor, url: 'wss://x.test', protocols: ['ok', ''] }, 'protocols'],
      // what the WebSocket constructor refuses (SyntaxError) is refused here, once
      [{ WebSocket: ctor, url: 'wss://x.test', protocols: ['realtime', 'realtime'] }, 'protocols'],
      [{ WebSocket: ctor, url: 'wss://x.test', protocols: ['realtime', 'x y'] }, 'protocols'],
      [{ WebSocket: ctor, url: 'wss://x.test/v1#frag' }, 'url'],
      [{ WebSocket: ctor, url: 'wss://x.test', dialect: 'v2' }, 'dialect'],
      [{ WebSocket: ctor, url: 'wss://x.test', maxSessionDurationMs: 0 }, 'maxSessionDurationMs'],
      [{ WebSocket: ctor, url: 'wss://x.test', closeTimeoutMs: 0 }, 'closeTimeoutMs'],
      // a key that is no option: a typo would otherwise be ignored without a word
      [{ WebSocket: ctor, url: 'wss://x.test', protocol: ['realtime'] }, 'protocol'],
    ];
    for (const [options, argument] of cases)
      expect(() => webSocketConnector(options as never), argument).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', data: { argument } }),
      );
  });

  it('runs a whole session over a standard WebSocket bridged to the fake server', async () => {
    const clock = new SimulatedClock();
    const server = new FakeServer({ clock });
    server.queueResponse((ctx) => ctx.say('hello over a standard socket'));
    // a standard WebSocket whose other end is the fake server (one microtask each way)
    class BridgedSocket extends ScriptedSocket {
      constructor(url: string, protocols?: string[]) {
        super(url, protocols);
        queueMicrotask(() => {
          this.emit('open');
          const peer = server.accept(
            {
              send: (frame) => queueMicrotask(() => this.emit('message', { data: frame })),
              close: (code, reason) => queueMicrotask(() => this.emit('close', { code, reason })),
            },
            { dialect: 'ga' },
          );
          this.send = (data) => queueMicrotask(() => peer.receive(data));
          this.close = (code = 1000, reason = '') => {
            peer.closed(code, reason);
            queueMicrotask(() => this.emit('close', { code, reason }));
          };
        });
      }
    }
    const model = new RealtimeModel({
      clock,
      modalities: ['text'],
      connector: webSocketConnector({
        WebSocket: BridgedSocket,
        url: 'wss://fake.test/v1/realtime',
      }),
    });
    const session = model.session();
    await clock.advanceAsync(0);
    expect(session.connectionState.status).toBe('open');
    const r = outcome(session.response.generate());
    await clock.advanceAsync(0);
    expect((r.value as { text: string } | undefined)?.text).toBe('hello over a standard socket');
    await session.close();
    expect(session.connectionState.status).toBe('closed');
    expect(server.connections[0]?.open).toBe(false);
  });
});
