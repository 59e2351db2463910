import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import {
  azureConnector,
  credentialTokenProvider,
  resolveAzureConfig,
  withAzure,
} from '../src/index.js';
import { SimulatedClock } from '@voxwire/testing';
import { startLoopbackWsServer } from '@voxwire/testing/ws';

const KEY = 'azure-key-0123456789abcdef';
const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOi.entra-token';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server() {
  const s = await startLoopbackWsServer({ path: '' });
  cleanups.push(() => s.close());
  return { ...s, endpoint: `http://127.0.0.1:${s.port}` };
}

async function connect(connector: ReturnType<typeof azureConnector>, attempt = 0) {
  const connection = await connector({ attempt, signal: new AbortController().signal });
  cleanups.push(() => connection.transport.close());
  await connection.transport.start();
  return connection;
}

describe('azureConnector: what each variant sends', () => {
  it('GA + api-key: /openai/v1/realtime?model=<deployment>, the api-key header, no bearer, no beta header', async () => {
    const s = await server();
    const connection = await connect(
      azureConnector({
        azureDeployment: 'gpt-realtime',
        azureEndpoint: s.endpoint,
        apiKey: KEY,
        env: {},
      }),
    );
    const hs = await s.nextHandshake();
    expect(hs.url.pathname).toBe('/openai/v1/realtime');
    expect([...hs.url.searchParams]).toEqual([['model', 'gpt-realtime']]);
    expect(hs.headers['api-key']).toBe(KEY);
    expect(hs.headers['authorization']).toBeUndefined();
    expect(hs.headers['openai-beta']).toBeUndefined();
    expect(hs.headers['sec-websocket-extensions']).toBeUndefined();
    expect(hs.protocols).toEqual([]);
    expect(connection).toMatchObject({ dialect: 'ga', maxSessionDurationMs: 30 * 60_000 });
    expect(connection.description).toBe(
      `azure ws://127.0.0.1:${s.port}/openai/v1/realtime?model=gpt-realtime (ga, ga)`,
    );
  });

  it('callId: a side-band to a live call, ?model=<deployment>&call_id=…, its audio reported as media', async () => {
    // openai-node's Azure GA helpers attach with `/openai/v1/realtime?call_id=` (protocol.md
    // §5.2): the call carries the audio, so core interrupts by clearing the call's output
    const s = await server();
    const connection = await connect(
      azureConnector({
        azureDeployment: 'gpt-realtime',
        azureEndpoint: s.endpoint,
        apiKey: KEY,
        callId: 'rtc_az1',
        env: {},
      }),
    );
    const hs = await s.nextHandshake();
    expect(hs.url.pathname).toBe('/openai/v1/realtime');
    expect(hs.url.searchParams.get('call_id')).toBe('rtc_az1');
    expect(connection).toMatchObject({
      dialect: 'ga',
      audioPath: 'media',
      persistentSession: true,
    });
    const plain = await connect(
      azureConnector({
        azureDeployment: 'gpt-realtime',
        azureEndpoint: s.endpoint,
        apiKey: KEY,
        env: {},
      }),
    );
    expect(plain.audioPath ?? 'events').toBe('events');
  });

  it('callId with a preview apiVersion is refused: the preview API has no side-band', () => {
    expect(() =>
      azureConnector({
        azureDeployment: 'gpt-realtime',
        azureEndpoint: 'https://r.openai.azure.com',
        apiKey: KEY,
        apiVersion: '2025-04-01-preview',
        callId: 'rtc_az1',
        env: {},
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'INVALID_OPTION',
        message: expect.stringMatching(/callId needs the GA form/),
      }),
    );
  });

  it('intent with a preview apiVersion is refused: the preview API would start a conversation', () => {
    expect(() =>
      azureConnector({
        azureDeployment: 'gpt-realtime',
        azureEndpoint: 'https://r.openai.azure.com',
        apiKey: KEY,
        apiVersion: '2025-04-01-preview',
        intent: 'transcription',
        env: {},
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'INVALID_OPTION',
        message: expect.stringMatching(/intent needs the GA form/),
      }),
    );
  });

  it('perMessageDeflate: true reaches the handshake (off by default, see the test above)', async () => {
    const s = await server();
    await connect(
      azureConnector({
        azureDeployment: 'gpt-realtime',
        azureEndpoint: s.endpoint,
        apiKey: KEY,
        env: {},
        perMessageDeflate: true,
      }),
    );
    expect((await s.nextHandshake()).headers['sec-websocket-extensions']).toContain(
      'permessage-deflate',
    );
  });

  it('preview + Entra token: /openai/realtime?api-version&deployment, Authorization: Bearer, beta dialect', async () => {
    const s = await server();
    const connection = await connect(
      azureConnector({
        azureDeployment: 'gpt-4o-realtime-preview',
        azureEndpoint: s.endpoint,
        apiVersion: '2025-04-01-preview',
        entraToken: TOKEN,
        env: {},
      }),
    );
    const hs = await s.nextHandshake();
    expect(hs.url.pathname).toBe('/openai/realtime');
    expect([...hs.url.searchParams]).toEqual([
      ['api-version', '2025-04-01-preview'],
      ['deployment', 'gpt-4o-realtime-preview'],
    ]);
    expect(hs.headers['authorization']).toBe(`Bearer ${TOKEN}`);
    expect(hs.headers['api-key']).toBeUndefined();
    expect(connection.dialect).toBe('beta');
  });

  it('reads AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY and OPENAI_API_VERSION from the environment', async () => {
    const s = await server();
    const connection = await connect(
      azureConnector({
        azureDeployment: 'dep',
        env: {
          AZURE_OPENAI_ENDPOINT: s.endpoint,
          AZURE_OPENAI_API_KEY: KEY,
          OPENAI_API_VERSION: '2024-10-01-preview',
        },
      }),
    );
    const hs = await s.nextHandshake();
    expect(hs.url.searchParams.get('api-version')).toBe('2024-10-01-preview');
    expect(hs.headers['api-key']).toBe(KEY);
    expect(connection.dialect).toBe('beta');
  });

  it('a token provider is called again on the second connect', async () => {
    const s = await server();
    const tokens = ['token-one-aaaaaaaa', 'token-two-bbbbbbbb'];
    let calls = 0;
    const connector = azureConnector({
      azureDeployment: 'd',
      baseURL: `${s.endpoint}/openai`,
      tokenProvider: async () => tokens[calls++]!,
      env: {},
    });
    expect(calls).toBe(0);
    await connect(connector, 0);
    await connect(connector, 1);
    expect(calls).toBe(2);
    expect(s.handshakes.map((h) => h.headers['authorization'])).toEqual([
      'Bearer token-one-aaaaaaaa',
      'Bearer token-two-bbbbbbbb',
    ]);
  });

  it("a credential's token expiry is checked on the wall clock, not on a session clock of another epoch", async () => {
    const s = await server();
    // the session's clock starts at 0 (a SimulatedClock, or a monotonic clock in production)
    const sessionClock = new SimulatedClock();
    let n = 0;
    const credential: TokenCredential = {
      getToken: async () => {
        n++;
        // Unix-epoch stamps, as every credential gives: this one is already inside the
        // 5-minute refresh margin, so every connect must fetch a fresh token
        return { token: `cred-token-${n}-xxxxxxxx`, expiresOnTimestamp: Date.now() + 60_000 };
      },
    };
    const connector = azureConnector({
      azureDeployment: 'd',
      azureEndpoint: s.endpoint,
      credential,
      clock: sessionClock,
      keepAlive: false,
      env: {},
    });
    await connect(connector, 0);
    await connect(connector, 1);
    expect(n).toBe(2);
    expect(s.handshakes.map((h) => h.headers['authorization'])).toEqual([
      'Bearer cred-token-1-xxxxxxxx',
      'Bearer cred-token-2-xxxxxxxx',
    ]);
  });

  it('a TokenCredential is asked for the Cognitive Services scope, and its token is reused until near expiry', async () => {
    const s = await server();
    const clock = new SimulatedClock();
    const scopes: (string | string[])[] = [];
    let n = 0;
    const credential: TokenCredential = {
      getToken: async (scope) => {
        scopes.push(scope);
        n++;
        return { token: `cred-token-${n}-xxxxxxxx`, expiresOnTimestamp: clock.now() + 60 * 60_000 };
      },
    };
    const connector = azureConnector({
      azureDeployment: 'd',
      azureEndpoint: s.endpoint,
      credential,
      tokenClock: clock,
      keepAlive: false,
      env: {},
    });
    await connect(connector, 0);
    clock.advance(50 * 60_000); // 10 minutes left: still outside the 5-minute margin
    await connect(connector, 1);
    clock.advance(6 * 60_000); // 4 minutes left: renewed
    await connect(connector, 2);
    expect(scopes).toEqual([
      'https://cognitiveservices.azure.com/.default',
      'https://cognitiveservices.azure.com/.default',
    ]);
    expect(s.handshakes.map((h) => h.headers['authorization'])).toEqual([
      'Bearer cred-token-1-xxxxxxxx',
      'Bearer cred-token-1-xxxxxxxx',
      'Bearer cred-token-2-xxxxxxxx',
    ]);
  });

  it('a key string read from a file (trailing newline) is sent trimmed, not refused by Node as a retriable connect failure', async () => {
    const s = await server();
    await connect(
      azureConnector({
        azureDeployment: 'd',
        azureEndpoint: s.endpoint,
        apiKey: `${KEY}\r\n`,
        env: {},
      }),
    );
    expect((await s.nextHandshake()).headers['api-key']).toBe(KEY);
  });

  it('a token given with its "Bearer " prefix (a provider returning the header value) is not sent as "Bearer Bearer …"', async () => {
    const s = await server();
    const connector = azureConnector({
      azureDeployment: 'd',
      azureEndpoint: s.endpoint,
      tokenProvider: async () => `Bearer ${TOKEN}`,
      env: {},
    });
    await connect(connector);
    await connect(
      azureConnector({
        azureDeployment: 'd',
        azureEndpoint: s.endpoint,
        entraToken: `bearer  ${TOKEN}`,
        env: {},
      }),
    );
    expect(s.handshakes.map((h) => h.headers['authorization'])).toEqual([
      `Bearer ${TOKEN}`,
      `Bearer ${TOKEN}`,
    ]);
  });

  it('api key and explicit Entra token together send both headers (the seed does)', async () => {
    const s = await server();
    await connect(
      azureConnector({
        azureDeployment: 'd',
        azureEndpoint: s.endpoint,
        apiKey: KEY,
        entraToken: TOKEN,
        env: {},
      }),
    );
    const hs = await s.nextHandshake();
    expect(hs.headers['api-key']).toBe(KEY);
    expect(hs.headers['authorization']).toBe(`Bearer ${TOKEN}`);
  });

  it('an explicit Entra source is not joined by AZURE_OPENAI_API_KEY from the environment', async () => {
    const s = await server();
    await connect(
      azureConnector({
        azureDeployment: 'd',
        azureEndpoint: s.endpoint,
        entraToken: TOKEN,
        env: { AZURE_OPENAI_API_KEY: KEY },
      }),
    );
    expect((await s.nextHandshake()).headers['api-key']).toBeUndefined();
  });

  it('rewrites outbound frames for Azure GA (a bare response.create)', async () => {
    const s = await server();
    const connection = await connect(
      azureConnector({ azureDeployment: 'd', azureEndpoint: s.endpoint, apiKey: KEY, env: {} }),
    );
    const hs = await s.nextHandshake();
    const got = once(hs.socket, 'message');
    connection.transport.send(
      JSON.stringify({ type: 'response.create', response: { output_modalities: ['audio'] } }),
    );
    const [data] = (await got) as [Buffer];
    expect(JSON.parse(data.toString())).toEqual({ type: 'response.create' });
  });
});

describe('azureConnector: the seed rules as typed errors', () => {
  const base = { azureDeployment: 'd', env: {} } as const;
  it.each([
    [{ ...base, apiKey: KEY }, 'MISSING_OPTION', 'AZURE_OPENAI_ENDPOINT'],
    [
      {
        ...base,
        apiKey: KEY,
        azureEndpoint: 'https://a.openai.azure.com',
        baseURL: 'https://b/openai',
      },
      'CONFLICTING_OPTIONS',
      'base_url and azure_endpoint are mutually exclusive',
    ],
    [
      { ...base, azureEndpoint: 'https://a.openai.azure.com' },
      'MISSING_CREDENTIALS',
      'Missing credentials',
    ],
    [
      { ...base, azureDeployment: '', apiKey: KEY, azureEndpoint: 'https://a.openai.azure.com' },
      'MISSING_OPTION',
      'azureDeployment',
    ],
    [
      {
        ...base,
        azureEndpoint: 'https://a.openai.azure.com',
        entraToken: TOKEN,
        tokenProvider: () => TOKEN,
      },
      'CONFLICTING_OPTIONS',
      'only one of',
    ],
    [{ ...base, apiKey: KEY, azureEndpoint: 'http://a.openai.azure.com' }, 'INSECURE_URL', 'wss:'],
    [
      { ...base, apiKey: ' \n', azureEndpoint: 'https://a.openai.azure.com' },
      'MISSING_CREDENTIALS',
      'Missing credentials',
    ],
    [
      { ...base, entraToken: ' ', apiKey: KEY, azureEndpoint: 'https://a.openai.azure.com' },
      'MISSING_CREDENTIALS',
      'entraToken is blank',
    ],
    // a programming slip, refused at once instead of retried as a failing credential
    [
      { ...base, credential: 'abc', azureEndpoint: 'https://a.openai.azure.com' },
      'INVALID_OPTION',
      'credential must be a TokenCredential',
    ],
    [
      { ...base, tokenProvider: TOKEN, azureEndpoint: 'https://a.openai.azure.com' },
      'INVALID_OPTION',
      'tokenProvider must be a function',
    ],
  ])('%#: %s', (options, code, text) => {
    let error: unknown;
    try {
      resolveAzureConfig(options as Parameters<typeof resolveAzureConfig>[0]);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code, fatal: true });
    expect((error as Error).message).toContain(text);
  });

  it('azureConnector refuses a key that is no option, and bad socket options, when it is built', () => {
    const make = (extra: object) => () =>
      azureConnector({
        ...base,
        apiKey: KEY,
        azureEndpoint: 'https://a.openai.azure.com',
        ...extra,
      } as never);
    expect(make({ apiversion: '2025-04-01-preview' })).toThrow(
      expect.objectContaining({
        code: 'INVALID_OPTION',
        message: 'apiversion is no option of azureConnector (did you mean apiVersion?).',
      }),
    );
    expect(make({ deployment: 'd' })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(make({ keepAlive: { intervalMs: -5 } })).toThrow(
      expect.objectContaining({
        code: 'INVALID_OPTION',
        message: expect.stringContaining('keepAlive'),
      }),
    );
    expect(make({ headers: 'xy' })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(make({ clock: new SimulatedClock(), connectTimeoutMs: 5_000 })).not.toThrow();
  });

  it('allowInsecureUrl: true lets a plain endpoint on a private network through', () => {
    const options = { ...base, apiKey: KEY, azureEndpoint: 'http://aoai-proxy.internal:8080' };
    expect(() => resolveAzureConfig(options)).toThrow(
      expect.objectContaining({ code: 'INSECURE_URL' }),
    );
    expect(
      resolveAzureConfig({ ...options, allowInsecureUrl: true }).target.url.toString(),
    ).toMatch(/^ws:\/\/aoai-proxy\.internal:8080\//);
  });

  it('a credential that throws fails the connect with CREDENTIAL_FAILED, retriable', async () => {
    // e.g. the token endpoint unreachable in the outage that dropped the socket: the session
    // retries it within its reconnect attempts instead of ending for good
    const credential: TokenCredential = {
      getToken: async () => {
        throw new Error('ENETUNREACH');
      },
    };
    const connector = azureConnector({
      azureDeployment: 'd',
      azureEndpoint: 'https://a.openai.azure.com',
      credential,
      env: {},
    });
    await expect(
      connector({ attempt: 0, signal: new AbortController().signal }),
    ).rejects.toMatchObject({ code: 'CREDENTIAL_FAILED', fatal: false });
  });
});

describe('credentialTokenProvider', () => {
  it('shares one in-flight request between concurrent connects and honours refreshAfterTimestamp', async () => {
    const clock = new SimulatedClock();
    let calls = 0;
    let release!: (t: AccessToken) => void;
    const credential: TokenCredential = {
      getToken: () => {
        calls++;
        return new Promise<AccessToken>((resolve) => (release = resolve));
      },
    };
    const provider = credentialTokenProvider(credential, { clock, refreshMarginMs: 0 });
    const a = provider();
    const b = provider();
    release({ token: 'tok-aaaa', expiresOnTimestamp: 100_000, refreshAfterTimestamp: 10_000 });
    expect(await a).toBe('tok-aaaa');
    expect(await b).toBe('tok-aaaa');
    expect(calls).toBe(1);
    expect(provider()).toBe('tok-aaaa');
    clock.advance(10_000);
    const c = provider();
    release({ token: 'tok-bbbb', expiresOnTimestamp: 200_000 });
    expect(await c).toBe('tok-bbbb');
    expect(calls).toBe(2);
  });

  it('a null token is a CREDENTIAL_FAILED error', async () => {
    const provider = credentialTokenProvider({ getToken: async () => null });
    await expect(provider()).rejects.toMatchObject({ code: 'CREDENTIAL_FAILED' });
    // through the connector it stays fatal: a credential that answers "no token" will again
    const connector = azureConnector({
      azureDeployment: 'd',
      azureEndpoint: 'https://a.openai.azure.com',
      credential: { getToken: async () => null },
      env: {},
    });
    await expect(
      connector({ attempt: 0, signal: new AbortController().signal }),
    ).rejects.toMatchObject({ code: 'CREDENTIAL_FAILED', fatal: true });
  });

  it('asks again after a credential that threw synchronously (the failure is not cached)', async () => {
    let calls = 0;
    const credential: TokenCredential = {
      // a hand-written credential that is not an async function
      getToken: (() => {
        calls++;
        if (calls === 1) throw new Error('transient IMDS failure');
        return Promise.resolve({ token: 'tok-good', expiresOnTimestamp: 3_600_000 });
      }) as TokenCredential['getToken'],
    };
    const provider = credentialTokenProvider(credential, { clock: new SimulatedClock() });
    await expect(provider()).rejects.toMatchObject({ code: 'CREDENTIAL_FAILED' });
    await expect(provider()).resolves.toBe('tok-good');
    expect(calls).toBe(2);
  });
});

describe('withAzure', () => {
  it('gives every connector option to the connector: allowInsecureUrl reaches a gateway on a private network', () => {
    const options = {
      azureDeployment: 'gpt-realtime',
      baseURL: 'http://azure-gateway.internal:8080/openai',
      apiKey: 'azure-key-0123456789',
      env: {},
    } as const;
    expect(() => withAzure(options)).toThrowError(
      expect.objectContaining({ code: 'INSECURE_URL' }),
    );
    expect(() => withAzure({ ...options, allowInsecureUrl: true })).not.toThrow();
  });

  it('refuses a key that is no option of the model or the connector, naming the likeliest of both', () => {
    const options = {
      azureDeployment: 'gpt-realtime',
      azureEndpoint: 'https://a.openai.azure.com',
      apiKey: 'azure-key-0123456789',
      env: {},
    } as const;
    expect(() => withAzure({ ...options, apiversion: '2025-04-01-preview' } as never)).toThrow(
      expect.objectContaining({
        name: 'ConfigurationError',
        code: 'INVALID_OPTION',
        message: 'apiversion is no option of withAzure (did you mean apiVersion?).',
      }),
    );
    expect(() => withAzure({ ...options, turn_detection: null } as never)).toThrow(
      expect.objectContaining({
        code: 'INVALID_OPTION',
        message: 'turn_detection is no option of withAzure (did you mean turnDetection?).',
      }),
    );
    expect(() =>
      withAzure({ ...options, transcriptionDeployment: 'whisper-1', maxRetainedResponses: 2 }),
    ).not.toThrow();
  });
});
