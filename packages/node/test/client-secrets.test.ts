import { describe, expect, it } from 'vitest';
import { ClientSecretError, clientSecretsUrl, createClientSecret } from '../src/index.js';

const KEY = 'sk-proj-SECRET-for-minting-42';

function fakeFetch(status: number, body: unknown) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json' },
    });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

describe('createClientSecret', () => {
  it('POSTs the session and expiry to /v1/realtime/client_secrets and returns the ephemeral key', async () => {
    const { fetch, calls } = fakeFetch(200, {
      value: 'ek_abc',
      expires_at: 1_900_000_000,
      session: { type: 'realtime', model: 'gpt-realtime' },
    });
    const secret = await createClientSecret({
      apiKey: KEY,
      session: { model: 'gpt-realtime', audio: { output: { voice: 'marin' } } },
      expiresAfterSeconds: 120,
      fetch,
      env: {},
    });
    expect(secret).toEqual({
      value: 'ek_abc',
      expiresAt: 1_900_000_000_000,
      session: { type: 'realtime', model: 'gpt-realtime' },
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('https://api.openai.com/v1/realtime/client_secrets');
    expect(calls[0]!.init.method).toBe('POST');
    expect(calls[0]!.init.redirect).toBe('error');
    expect((calls[0]!.init.headers as Record<string, string>)['Authorization']).toBe(
      `Bearer ${KEY}`,
    );
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual({
      expires_after: { anchor: 'created_at', seconds: 120 },
      session: { type: 'realtime', model: 'gpt-realtime', audio: { output: { voice: 'marin' } } },
    });
  });

  it('omits expires_after when no expiry is asked for and keeps a transcription session type', async () => {
    const { fetch, calls } = fakeFetch(200, { value: 'ek_t', expires_at: 1, session: {} });
    await createClientSecret({ apiKey: KEY, session: { type: 'transcription' }, fetch, env: {} });
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual({
      session: { type: 'transcription' },
    });
  });

  it('turns an HTTP error into a typed error that never echoes the key', async () => {
    const { fetch } = fakeFetch(401, {
      error: {
        message: `Incorrect API key provided: ${KEY}.`,
        type: 'invalid_request_error',
        code: 'invalid_api_key',
      },
    });
    const error = (await createClientSecret({ apiKey: KEY, session: {}, fetch, env: {} }).catch(
      (e: unknown) => e,
    )) as ClientSecretError;
    expect(error).toBeInstanceOf(ClientSecretError);
    expect(error).toMatchObject({
      code: 'HTTP_ERROR',
      status: 401,
      serverCode: 'invalid_api_key',
      type: 'invalid_request_error',
      retriable: false,
    });
    expect(error.message).toContain('[REDACTED]');
    expect(error.message).not.toContain(KEY);
  });

  it('marks 5xx as retriable and reports a network failure', async () => {
    const { fetch } = fakeFetch(503, 'busy');
    await expect(
      createClientSecret({ apiKey: KEY, session: {}, fetch, env: {} }),
    ).rejects.toMatchObject({ code: 'HTTP_ERROR', status: 503, retriable: true });
    const failing = (async () => {
      throw new TypeError(`fetch failed for ${KEY}`);
    }) as typeof globalThis.fetch;
    const error = (await createClientSecret({
      apiKey: KEY,
      session: {},
      fetch: failing,
      env: {},
    }).catch((e: unknown) => e)) as ClientSecretError;
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', retriable: true });
    expect(error.message).not.toContain(KEY);
  });

  it('rejects a 200 without a secret', async () => {
    const { fetch } = fakeFetch(200, { nope: true });
    await expect(
      createClientSecret({ apiKey: KEY, session: {}, fetch, env: {} }),
    ).rejects.toMatchObject({ code: 'INVALID_RESPONSE' });
  });

  it('validates before any request: key, expiry range, insecure base URL', async () => {
    const { fetch, calls } = fakeFetch(200, {});
    await expect(createClientSecret({ session: {}, fetch, env: {} })).rejects.toMatchObject({
      code: 'MISSING_CREDENTIALS',
    });
    await expect(
      createClientSecret({ apiKey: ' \n', session: {}, fetch, env: {} }),
    ).rejects.toMatchObject({ code: 'MISSING_CREDENTIALS' });
    await expect(
      createClientSecret({ apiKey: KEY, session: {}, expiresAfterSeconds: 5, fetch, env: {} }),
    ).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(
      createClientSecret({
        apiKey: KEY,
        session: {},
        baseURL: 'http://example.com/v1',
        fetch,
        env: {},
      }),
    ).rejects.toMatchObject({
      code: 'INSECURE_URL',
    });
    expect(calls).toHaveLength(0);
  });

  it('allowInsecureUrl: true posts to a plain http: base URL on a private network', async () => {
    const { fetch, calls } = fakeFetch(200, { value: 'ek_abc', expires_at: 1_900_000_000 });
    await createClientSecret({
      apiKey: KEY,
      session: {},
      baseURL: 'http://fake-server:8080/v1',
      allowInsecureUrl: true,
      fetch,
      env: {},
    });
    expect(calls.map((c) => c.url)).toEqual(['http://fake-server:8080/v1/realtime/client_secrets']);
  });

  it('derives the endpoint from REST, WebSocket and realtime base URLs', () => {
    expect(clientSecretsUrl('https://api.openai.com/v1').toString()).toBe(
      'https://api.openai.com/v1/realtime/client_secrets',
    );
    expect(clientSecretsUrl('wss://api.openai.com/v1/realtime').toString()).toBe(
      'https://api.openai.com/v1/realtime/client_secrets',
    );
    expect(clientSecretsUrl('ws://127.0.0.1:8080/v1/').toString()).toBe(
      'http://127.0.0.1:8080/v1/realtime/client_secrets',
    );
  });
});
