import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '@voxwire/testing';
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
    expect(calls[0]!.init.redirect).toBe('manual');
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

/** A fetch whose request never answers, as on a dead network: it fails only when aborted. */
function hungFetch() {
  const signals: AbortSignal[] = [];
  const fetch = ((_url: string | URL | Request, init?: RequestInit) => {
    const signal = init?.signal ?? undefined;
    if (signal) signals.push(signal);
    return new Promise<Response>((_resolve, reject) => {
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }) as typeof globalThis.fetch;
  return { fetch, signals };
}

/** The promise's outcome once the event loop turned, or 'pending'. */
function settledOrPending<T>(promise: Promise<T>): Promise<T | unknown | 'pending'> {
  return Promise.race([
    promise.catch((e: unknown) => e),
    new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending'))),
  ]);
}

describe('createClientSecret timeoutMs', () => {
  it('fails with TIMEOUT (retriable) after 10 s by default when the API never answers, and aborts the request', async () => {
    const clock = new SimulatedClock();
    const { fetch, signals } = hungFetch();
    const minting = createClientSecret({ apiKey: KEY, session: {}, fetch, env: {}, clock });
    await clock.advanceAsync(9_999);
    expect(await settledOrPending(minting)).toBe('pending');
    await clock.advanceAsync(1);
    const error = (await minting.catch((e: unknown) => e)) as ClientSecretError;
    expect(error).toBeInstanceOf(ClientSecretError);
    expect(error).toMatchObject({ code: 'TIMEOUT', retriable: true });
    expect(error.message).toContain('api.openai.com');
    expect(error.message).toContain('10000 ms');
    expect(error.message).not.toContain(KEY);
    expect(signals[0]!.aborted).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it('bounds a body that never ends too, with the timeoutMs given', async () => {
    const clock = new SimulatedClock();
    const fetch = (async () =>
      new Response(new ReadableStream({ start: () => undefined }), {
        status: 200,
      })) as typeof globalThis.fetch;
    const minting = createClientSecret({
      apiKey: KEY,
      session: {},
      fetch,
      env: {},
      clock,
      timeoutMs: 2_500,
    });
    await clock.advanceAsync(2_499);
    expect(await settledOrPending(minting)).toBe('pending');
    await clock.advanceAsync(1);
    await expect(minting).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it("the caller's signal still aborts the request (NETWORK_ERROR), and an answer in time clears the timer", async () => {
    const clock = new SimulatedClock();
    const { fetch, signals } = hungFetch();
    const caller = new AbortController();
    const minting = createClientSecret({
      apiKey: KEY,
      session: {},
      fetch,
      env: {},
      clock,
      signal: caller.signal,
    });
    await clock.advanceAsync(0);
    caller.abort();
    await expect(minting).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    expect(signals[0]!.aborted).toBe(true);
    expect(clock.pendingTimers).toBe(0);

    const answered = fakeFetch(200, { value: 'ek_ok', expires_at: 1, session: {} });
    await expect(
      createClientSecret({ apiKey: KEY, session: {}, fetch: answered.fetch, env: {}, clock }),
    ).resolves.toMatchObject({ value: 'ek_ok' });
    expect(clock.pendingTimers).toBe(0);
  });

  it('refuses a timeoutMs that is not a positive number before any request; Infinity means none', async () => {
    const { fetch, calls } = fakeFetch(200, { value: 'ek_ok', expires_at: 1, session: {} });
    for (const timeoutMs of [0, -1, Number.NaN, '10000' as never])
      await expect(
        createClientSecret({ apiKey: KEY, session: {}, fetch, env: {}, timeoutMs }),
      ).rejects.toMatchObject({ name: 'ConfigurationError', code: 'INVALID_OPTION' });
    expect(calls).toHaveLength(0);
    const clock = new SimulatedClock();
    await expect(
      createClientSecret({ apiKey: KEY, session: {}, fetch, env: {}, clock, timeoutMs: Infinity }),
    ).resolves.toMatchObject({ value: 'ek_ok' });
    expect(clock.pendingTimers).toBe(0);
  });
});

/**
 * A fetch that answers HTTP `status` at once with a body that never ends, as a slow server's:
 * the body fails with the request's abort reason, as undici's does (or, `honorsSignal: false`,
 * never, as a custom fetch's may).
 */
function endlessBodyFetch(status: number, honorsSignal = true) {
  return (async (_url: string | URL | Request, init?: RequestInit) => {
    const signal = init?.signal ?? undefined;
    const body = new ReadableStream({
      start(controller) {
        if (honorsSignal)
          signal?.addEventListener('abort', () => controller.error(signal.reason), { once: true });
      },
    });
    return new Response(body, { status });
  }) as typeof globalThis.fetch;
}

describe("createClientSecret: the caller's signal or the deadline during the body read", () => {
  it('an abort while the body is read is NETWORK_ERROR with the reason as cause, as before the response; whatever the status', async () => {
    for (const status of [200, 500]) {
      const clock = new SimulatedClock();
      const caller = new AbortController();
      const minting = createClientSecret({
        apiKey: KEY,
        session: {},
        fetch: endlessBodyFetch(status),
        env: {},
        clock,
        signal: caller.signal,
      });
      await clock.advanceAsync(0);
      expect(await settledOrPending(minting)).toBe('pending');
      const reason = new Error('the browser left');
      caller.abort(reason);
      const error = (await minting.catch((e: unknown) => e)) as ClientSecretError;
      expect(error).toBeInstanceOf(ClientSecretError);
      expect(error).toMatchObject({ code: 'NETWORK_ERROR', retriable: true, cause: reason });
      expect(error.message).not.toContain(KEY);
      expect(clock.pendingTimers).toBe(0);
    }
  });

  it('an abort before the response keeps its reason as cause too', async () => {
    const clock = new SimulatedClock();
    const { fetch } = hungFetch();
    const caller = new AbortController();
    const minting = createClientSecret({
      apiKey: KEY,
      session: {},
      fetch,
      env: {},
      clock,
      signal: caller.signal,
    });
    await clock.advanceAsync(0);
    const reason = new Error('the browser left');
    caller.abort(reason);
    await expect(minting).rejects.toMatchObject({ code: 'NETWORK_ERROR', cause: reason });
  });

  it('an abort fails the call at once even when the body ignores the signal', async () => {
    const clock = new SimulatedClock();
    const caller = new AbortController();
    const minting = createClientSecret({
      apiKey: KEY,
      session: {},
      fetch: endlessBodyFetch(200, false),
      env: {},
      clock,
      signal: caller.signal,
    });
    await clock.advanceAsync(0);
    caller.abort();
    const outcome = await settledOrPending(minting);
    expect(outcome).toBeInstanceOf(ClientSecretError);
    expect(outcome).toMatchObject({ code: 'NETWORK_ERROR' });
  });

  it('timeoutMs firing while a body that honours the signal is read is TIMEOUT, whatever the status', async () => {
    for (const status of [200, 500]) {
      const clock = new SimulatedClock();
      const minting = createClientSecret({
        apiKey: KEY,
        session: {},
        fetch: endlessBodyFetch(status),
        env: {},
        clock,
        timeoutMs: 1_000,
      });
      await clock.advanceAsync(999);
      expect(await settledOrPending(minting)).toBe('pending');
      await clock.advanceAsync(1);
      await expect(minting).rejects.toMatchObject({ code: 'TIMEOUT', retriable: true });
      expect(clock.pendingTimers).toBe(0);
    }
  });
});
