import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  createOpenAIRealtimeModel,
  openaiConnector,
  type OpenAIConnectorOptions,
} from '../src/index.js';
import { startLoopbackWsServer, startRefusingServer } from '@voxwire/testing/ws';
import { startError } from './transport-helpers.js';

const KEY = 'sk-proj-TESTKEY-abcdef0123456789';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server() {
  const s = await startLoopbackWsServer({ path: '' });
  cleanups.push(() => s.close());
  return s;
}

function attempt(n = 0) {
  return { attempt: n, signal: new AbortController().signal };
}

async function connect(connector: ReturnType<typeof openaiConnector>, n = 0) {
  const connection = await connector(attempt(n));
  cleanups.push(() => connection.transport.close());
  await connection.transport.start();
  return connection;
}

describe('openaiConnector: what each variant sends', () => {
  it('GA by default: /v1/realtime?model=gpt-realtime, a bearer header, no beta header, no subprotocol', async () => {
    const s = await server();
    const connection = await connect(
      openaiConnector({ apiKey: KEY, baseURL: `http://127.0.0.1:${s.port}/v1`, env: {} }),
    );
    const hs = await s.nextHandshake();
    expect(hs.url.pathname).toBe('/v1/realtime');
    expect([...hs.url.searchParams]).toEqual([['model', 'gpt-realtime']]);
    expect(hs.headers['authorization']).toBe(`Bearer ${KEY}`);
    expect(hs.headers['openai-beta']).toBeUndefined();
    expect(hs.headers['sec-websocket-extensions']).toBeUndefined();
    expect(hs.protocols).toEqual([]);
    expect(connection.dialect).toBe('ga');
    expect(connection.maxSessionDurationMs).toBe(60 * 60_000);
    expect(connection.description).toBe(
      `openai ws://127.0.0.1:${s.port}/v1/realtime?model=gpt-realtime (ga)`,
    );
    expect(connection.description).not.toContain(KEY);
  });

  it('beta on request: the OpenAI-Beta header and the beta dialect; organization, project and a model', async () => {
    const s = await server();
    const connection = await connect(
      openaiConnector({
        apiKey: KEY,
        baseURL: `ws://localhost:${s.port}/v1`,
        dialect: 'beta',
        model: 'gpt-4o-realtime-preview',
        organization: 'org-1',
        project: 'proj-1',
        headers: { 'X-Trace': 't1', authorization: 'Bearer sneaky' },
        env: {},
      }),
    );
    const hs = await s.nextHandshake();
    expect(hs.url.searchParams.get('model')).toBe('gpt-4o-realtime-preview');
    expect(hs.headers['openai-beta']).toBe('realtime=v1');
    expect(hs.headers['openai-organization']).toBe('org-1');
    expect(hs.headers['openai-project']).toBe('proj-1');
    expect(hs.headers['x-trace']).toBe('t1');
    // a caller header cannot replace or duplicate the connector's own credentials
    expect(hs.headers['authorization']).toBe(`Bearer ${KEY}`);
    expect(connection.dialect).toBe('beta');
  });

  it('reads OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_ORG_ID and OPENAI_PROJECT_ID from the environment', async () => {
    const s = await server();
    await connect(
      openaiConnector({
        env: {
          OPENAI_API_KEY: KEY,
          OPENAI_BASE_URL: `http://127.0.0.1:${s.port}/v1`,
          OPENAI_ORG_ID: 'org-e',
          OPENAI_PROJECT_ID: 'proj-e',
        },
      }),
    );
    const hs = await s.nextHandshake();
    expect(hs.headers['authorization']).toBe(`Bearer ${KEY}`);
    expect(hs.headers['openai-organization']).toBe('org-e');
    expect(hs.headers['openai-project']).toBe('proj-e');
  });

  it('resolves a key function on every connect', async () => {
    const s = await server();
    const keys = ['sk-first-key-0001', 'sk-second-key-0002'];
    let calls = 0;
    const connector = openaiConnector({
      apiKey: async () => keys[calls++]!,
      baseURL: `http://127.0.0.1:${s.port}/v1`,
      env: {},
    });
    expect(calls).toBe(0); // nothing is resolved before the first connect
    await connect(connector, 0);
    await connect(connector, 1);
    expect(calls).toBe(2);
    expect(s.handshakes.map((h) => h.headers['authorization'])).toEqual([
      'Bearer sk-first-key-0001',
      'Bearer sk-second-key-0002',
    ]);
  });

  it('passes intent=transcription through', async () => {
    const s = await server();
    await connect(
      openaiConnector({
        apiKey: KEY,
        baseURL: `http://127.0.0.1:${s.port}/v1`,
        intent: 'transcription',
        env: {},
      }),
    );
    expect((await s.nextHandshake()).url.searchParams.get('intent')).toBe('transcription');
  });
});

describe('openaiConnector: compression', () => {
  it('perMessageDeflate: true reaches the handshake (off by default, see the GA test)', async () => {
    const s = await server();
    await connect(
      openaiConnector({
        apiKey: KEY,
        baseURL: `http://127.0.0.1:${s.port}/v1`,
        env: {},
        perMessageDeflate: true,
      }),
    );
    expect((await s.nextHandshake()).headers['sec-websocket-extensions']).toContain(
      'permessage-deflate',
    );
  });
});

describe('openaiConnector: the documented URL forms', () => {
  it('a side-band connection (callId) sends ?call_id= alone, without the default model', async () => {
    // protocol.md §5.1: wss://api.openai.com/v1/realtime?call_id=<call id>; openai-node refuses
    // a model next to a call id
    const s = await server();
    await connect(
      openaiConnector({
        apiKey: KEY,
        baseURL: `http://127.0.0.1:${s.port}/v1`,
        callId: 'rtc_123',
        env: {},
      }),
    );
    expect([...(await s.nextHandshake()).url.searchParams]).toEqual([['call_id', 'rtc_123']]);
  });

  it('a side-band connection reports its audio as media: the call carries it, not the socket', async () => {
    // the call's audio travels on its WebRTC tracks or SIP leg, and the server plays the answer
    // there: core must interrupt with output_audio_buffer.clear, not truncate at a position it
    // never played (SIP guide: "Monitor call events"; protocol.md §4, output_audio_buffer.*)
    const s = await server();
    const sideBand = await connect(
      openaiConnector({
        apiKey: KEY,
        baseURL: `http://127.0.0.1:${s.port}/v1`,
        callId: 'rtc_123',
        env: {},
      }),
    );
    const plain = await connect(
      openaiConnector({ apiKey: KEY, baseURL: `http://127.0.0.1:${s.port}/v1`, env: {} }),
    );
    expect(sideBand.audioPath).toBe('media');
    expect(plain.audioPath ?? 'events').toBe('events');
    // and the call's session outlives the socket: a reconnect re-attaches, restoring nothing
    expect(sideBand.persistentSession).toBe(true);
    expect(plain.persistentSession ?? false).toBe(false);
  });

  it('a transcription-only connection sends ?intent=transcription alone, without the default model', async () => {
    // protocol.md §5.1: wss://api.openai.com/v1/realtime?intent=transcription
    const s = await server();
    await connect(
      openaiConnector({
        apiKey: KEY,
        baseURL: `http://127.0.0.1:${s.port}/v1`,
        intent: 'transcription',
        env: {},
      }),
    );
    expect([...(await s.nextHandshake()).url.searchParams]).toEqual([['intent', 'transcription']]);
  });

  it('a model given explicitly is still sent next to an intent', async () => {
    const s = await server();
    await connect(
      openaiConnector({
        apiKey: KEY,
        baseURL: `http://127.0.0.1:${s.port}/v1`,
        model: 'gpt-realtime-mini',
        intent: 'transcription',
        env: {},
      }),
    );
    expect([...(await s.nextHandshake()).url.searchParams]).toEqual([
      ['model', 'gpt-realtime-mini'],
      ['intent', 'transcription'],
    ]);
  });
});

describe('openaiConnector: configuration errors', () => {
  it('createOpenAIRealtimeModel gives every connector option to the connector: allowInsecureUrl reaches a fake server in a container network', () => {
    const options = { apiKey: KEY, baseURL: 'ws://fake-server:8080/v1', env: {} };
    expect(() => createOpenAIRealtimeModel(options)).toThrowError(
      expect.objectContaining({ code: 'INSECURE_URL' }),
    );
    expect(() => createOpenAIRealtimeModel({ ...options, allowInsecureUrl: true })).not.toThrow();
  });

  it('without a key or OPENAI_API_KEY: MISSING_CREDENTIALS that says how to fix it', () => {
    const error = (() => {
      try {
        openaiConnector({ env: {} });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: 'MISSING_CREDENTIALS', fatal: true });
    expect((error as Error).message).toContain('OPENAI_API_KEY');
  });

  it('refuses a ws: URL to a remote host but accepts wss:', () => {
    expect(() =>
      openaiConnector({ apiKey: KEY, baseURL: 'http://example.com/v1', env: {} }),
    ).toThrow(expect.objectContaining({ code: 'INSECURE_URL' }));
    expect(() =>
      openaiConnector({ apiKey: KEY, baseURL: 'https://example.com/v1', env: {} }),
    ).not.toThrow();
  });

  it('allowInsecureUrl: true lets a ws: URL to a private host through, to that very URL', async () => {
    const urls: string[] = [];
    class RecordingWebSocket {
      constructor(url: string | URL) {
        urls.push(String(url));
        throw new Error('not connecting in this test');
      }
    }
    const options = {
      apiKey: KEY,
      baseURL: 'http://fake-server:8080/v1',
      env: {},
      WebSocket: RecordingWebSocket as unknown as NonNullable<OpenAIConnectorOptions['WebSocket']>,
    };
    expect(() => openaiConnector(options)).toThrow(
      expect.objectContaining({ code: 'INSECURE_URL' }),
    );
    const connect = openaiConnector({ ...options, allowInsecureUrl: true });
    const connection = await connect({ attempt: 0, signal: new AbortController().signal });
    await expect(connection.transport.start()).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(urls).toEqual(['ws://fake-server:8080/v1/realtime?model=gpt-realtime']);
  });

  it('refuses a key that is no option, naming the one it was likely meant to be', () => {
    // baseUrl for baseURL would send the key to api.openai.com instead of the gateway
    const make = (extra: object) => () =>
      openaiConnector({ apiKey: KEY, env: {}, ...extra } as OpenAIConnectorOptions);
    expect(make({ baseUrl: 'https://gateway.test/v1' })).toThrow(
      expect.objectContaining({
        name: 'ConfigurationError',
        code: 'INVALID_OPTION',
        message: 'baseUrl is no option of openaiConnector (did you mean baseURL?).',
      }),
    );
    expect(make({ apikey: KEY })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    // a key left undefined (a spread config) is no option given
    expect(make({ extra: undefined })).not.toThrow();
  });

  it('createOpenAIRealtimeModel refuses a key that is no option of the model or the connector, naming the likeliest of both', () => {
    // before, anything not the connector's went to the model, which called baseUrl "no such
    // session option (options are camelCase …)"
    const make = (extra: object) => () =>
      createOpenAIRealtimeModel({ apiKey: KEY, env: {}, ...extra } as never);
    expect(make({ baseUrl: 'https://gateway.test/v1' })).toThrow(
      expect.objectContaining({
        name: 'ConfigurationError',
        code: 'INVALID_OPTION',
        message: 'baseUrl is no option of createOpenAIRealtimeModel (did you mean baseURL?).',
      }),
    );
    expect(make({ maxRetainedResponse: 4 })).toThrow(
      expect.objectContaining({
        code: 'INVALID_OPTION',
        message:
          'maxRetainedResponse is no option of createOpenAIRealtimeModel (did you mean maxRetainedResponses?).',
      }),
    );
    // the model's connector is made here
    expect(make({ connector: () => undefined })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
    // every option of either passes
    expect(
      make({ baseURL: 'https://gateway.test/v1', maxRetainedResponses: 4, voice: 'ash' }),
    ).not.toThrow();
    expect(make({ extra: undefined })).not.toThrow();
  });

  it('refuses bad socket options when the connector is built, not at the first connect', () => {
    const make = (extra: object) => () =>
      openaiConnector({ apiKey: KEY, env: {}, ...extra } as OpenAIConnectorOptions);
    const cases: [object, string][] = [
      [{ headers: 'xy' }, 'headers must be an object'],
      [{ headers: { 'x-team': 42 } }, 'headers.x-team must be a string'],
      [{ agent: 'proxy' }, 'agent must be'],
      [{ connectTimeoutMs: -1 }, 'connectTimeoutMs must be a positive number'],
      [{ closeTimeoutMs: 'soon' }, 'closeTimeoutMs must be a positive number'],
      [{ keepAlive: 'yes' }, 'keepAlive must be false or'],
      [{ keepAlive: { intervalMs: -5 } }, 'keepAlive.intervalMs must be a positive number'],
      [{ perMessageDeflate: 'yes' }, 'perMessageDeflate must be a boolean'],
      [{ allowInsecureUrl: 'true' }, 'allowInsecureUrl must be a boolean'],
      [{ WebSocket: {} }, 'WebSocket must be'],
      [{ clock: { now: () => 0 } }, 'clock must be a Clock'],
      [{ organization: 42 }, 'organization must be a non-empty string'],
      [{ project: { a: 1 } }, 'project must be a non-empty string'],
    ];
    for (const [extra, message] of cases)
      expect(make(extra), JSON.stringify(extra)).toThrow(
        expect.objectContaining({
          code: 'INVALID_OPTION',
          message: expect.stringContaining(message),
        }),
      );
    expect(
      make({ keepAlive: false, headers: { 'x-team': 'a' }, perMessageDeflate: true }),
    ).not.toThrow();
  });

  it('refuses a model that differs from the one the base URL names (it would be dropped while the session reports it)', () => {
    const baseURL = 'wss://gw.example.com/v1/realtime?model=gpt-realtime-mini';
    expect(() => openaiConnector({ apiKey: KEY, env: {}, baseURL, model: 'gpt-realtime' })).toThrow(
      expect.objectContaining({
        code: 'CONFLICTING_OPTIONS',
        message: expect.stringContaining('?model='),
      }),
    );
    // the same model, or none, is no conflict: the URL's is used
    expect(() =>
      openaiConnector({ apiKey: KEY, env: {}, baseURL, model: 'gpt-realtime-mini' }),
    ).not.toThrow();
    expect(() => openaiConnector({ apiKey: KEY, env: {}, baseURL })).not.toThrow();
  });

  it('refuses an unknown dialect', () => {
    expect(() => openaiConnector({ apiKey: KEY, dialect: 'v2' as 'ga', env: {} })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });

  it('a key function that throws fails the connect with CREDENTIAL_FAILED, without its message', async () => {
    const connector = openaiConnector({
      apiKey: () => {
        throw new Error(`vault said ${KEY}`);
      },
      env: {},
    });
    const error = (await connector(attempt()).catch((e: unknown) => e)) as ConfigurationError;
    // not fatal: the session retries it (a vault that is down may answer next time)
    expect(error).toMatchObject({ code: 'CREDENTIAL_FAILED', fatal: false, retriable: true });
    expect(error.message).not.toContain(KEY);
  });

  it('a key string read from a file (trailing newline) is trimmed like an environment key', async () => {
    // untrimmed, Node refuses the header when the socket is made: a CONNECT_FAILED that looks
    // retriable, so a reconnect loop would retry a configuration mistake for ever
    const s = await server();
    await connect(
      openaiConnector({ apiKey: `${KEY}\n`, baseURL: `http://127.0.0.1:${s.port}/v1`, env: {} }),
    );
    expect((await s.nextHandshake()).headers['authorization']).toBe(`Bearer ${KEY}`);
  });

  it('a blank key string is MISSING_CREDENTIALS at once, as an empty one is', () => {
    expect(() => openaiConnector({ apiKey: ' \n', env: {} })).toThrow(
      expect.objectContaining({ code: 'MISSING_CREDENTIALS' }),
    );
  });

  it('a key function that returns an empty string fails with CREDENTIAL_FAILED', async () => {
    await expect(
      openaiConnector({ apiKey: async () => '  ', env: {} })(attempt()),
    ).rejects.toMatchObject({ code: 'CREDENTIAL_FAILED', fatal: true });
  });
});

describe('openaiConnector: caller headers are secrets', () => {
  it("a gateway's refusal that quotes a header value (any name) has it redacted", async () => {
    const tenant = 'gateway-tenant-secret-7e6d5c';
    const gateway = await startRefusingServer({
      status: 403,
      body: `{"error":{"message":"tenant ${tenant} is not allowed"}}`,
    });
    cleanups.push(() => gateway.close());
    const connection = await openaiConnector({
      apiKey: KEY,
      baseURL: `http://127.0.0.1:${gateway.port}/v1`,
      headers: { 'X-Tenant': tenant },
      env: {},
    })(attempt());
    const error = await startError(connection.transport);
    expect(error).toMatchObject({ code: 'AUTH_FAILED' });
    expect(error!.message).toContain('tenant [REDACTED] is not allowed');
    expect(gateway.requests[0]!.headers['x-tenant']).toBe(tenant);
  });
});
