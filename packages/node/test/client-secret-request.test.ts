/**
 * `requestClientSecret`, the provider-independent half of minting that `@voxwire/azure` calls
 * with its own URL and headers: the headers' credentials are redacted whatever their name, and
 * their lookup runs within `timeoutMs`.
 */
import { deferred, SimulatedClock } from '@voxwire/testing';
import { describe, expect, it } from 'vitest';
import { ClientSecretError, ConfigurationError, requestClientSecret } from '../src/index.js';

const KEY = 'azure-api-key-SECRET-0123';
const URL_ = new URL('https://res.openai.azure.com/openai/v1/realtime/client_secrets');

describe('requestClientSecret', () => {
  it('sends the given headers and redacts their credential values from a refusal', async () => {
    const seen: RequestInit[] = [];
    const fetch = (async (_url: string | URL | Request, init?: RequestInit) => {
      seen.push(init ?? {});
      return new Response(JSON.stringify({ error: { message: `bad key ${KEY}`, code: KEY } }), {
        status: 401,
      });
    }) as typeof globalThis.fetch;
    const error = await requestClientSecret({
      url: URL_,
      headers: async () => ({ 'api-key': KEY }),
      session: { model: 'dep' },
      fetch,
    }).catch((e: unknown) => e);
    expect(seen[0]!.headers).toEqual({ 'api-key': KEY, 'Content-Type': 'application/json' });
    expect(error).toBeInstanceOf(ClientSecretError);
    expect(error).toMatchObject({ code: 'HTTP_ERROR', status: 401, serverCode: '[REDACTED]' });
    expect((error as Error).message).not.toContain(KEY);
  });

  it('a headers lookup that never settles fails with TIMEOUT at timeoutMs, before any request', async () => {
    const clock = new SimulatedClock();
    let fetched = 0;
    const fetch = (async () => {
      fetched++;
      return new Response('{}');
    }) as typeof globalThis.fetch;
    const call = requestClientSecret({
      url: URL_,
      headers: () => deferred<Record<string, string>>().promise,
      session: {},
      fetch,
      clock,
      timeoutMs: 3_000,
    }).catch((e: unknown) => e);
    await clock.advance(2_999);
    let settled = false;
    void call.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await clock.advance(1);
    expect(await call).toMatchObject({ code: 'TIMEOUT', retriable: true });
    expect(fetched).toBe(0);
  });

  it("surfaces a 429's or 503's Retry-After as retryAfterMs (seconds, or an HTTP date against the answer's Date)", async () => {
    const answer = (status: number, headers: Record<string, string>) =>
      (async () =>
        new Response(JSON.stringify({ error: { message: 'slow down', code: 'rate_limit' } }), {
          status,
          headers,
        })) as typeof globalThis.fetch;
    const ask = (fetch: typeof globalThis.fetch) =>
      requestClientSecret({ url: URL_, headers: async () => ({}), session: {}, fetch }).catch(
        (e: unknown) => e,
      );
    const limited = await ask(answer(429, { 'retry-after': '7' }));
    expect(limited).toBeInstanceOf(ClientSecretError);
    expect(limited).toMatchObject({
      code: 'HTTP_ERROR',
      status: 429,
      retriable: true,
      retryAfterMs: 7_000,
    });
    const busy = await ask(
      answer(503, {
        date: 'Thu, 26 Nov 2026 12:00:00 GMT',
        'retry-after': 'Thu, 26 Nov 2026 12:00:30 GMT',
      }),
    );
    expect(busy).toMatchObject({ status: 503, retryAfterMs: 30_000 });
    const refused = await ask(answer(401, {}));
    expect(refused).toMatchObject({ status: 401, retriable: false, retryAfterMs: undefined });
  });

  it('a 200 whose body is cut off (connection reset) is a retriable NETWORK_ERROR, not INVALID_RESPONSE', async () => {
    const reset = Object.assign(new Error(`socket hang up, key ${KEY}`), { code: 'ECONNRESET' });
    const fetch = (async () => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"value":"ek_1","expi'));
          controller.error(reset);
        },
      });
      return new Response(body, { status: 200 });
    }) as typeof globalThis.fetch;
    const error = await requestClientSecret({
      url: URL_,
      headers: async () => ({ 'api-key': KEY }),
      session: {},
      fetch,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientSecretError);
    expect(error).toMatchObject({
      code: 'NETWORK_ERROR',
      retriable: true,
      cause: { code: 'ECONNRESET' },
    });
    expect((error as Error).message).toContain('res.openai.azure.com');
    expect((error as Error).message).not.toContain(KEY);
    expect(((error as Error).cause as Error).message).not.toContain(KEY);
  });

  it.each([
    ['an empty value', '{"value":"","expires_at":1900000000}'],
    ['an expires_at that is not finite', '{"value":"ek_1","expires_at":1e400}'],
    ['an expires_at that is not positive', '{"value":"ek_1","expires_at":0}'],
  ])('a 200 with %s is INVALID_RESPONSE: no usable secret', async (_what, body) => {
    const fetch = (async () => new Response(body, { status: 200 })) as typeof globalThis.fetch;
    const error = await requestClientSecret({
      url: URL_,
      headers: async () => ({}),
      session: {},
      fetch,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientSecretError);
    expect(error).toMatchObject({ code: 'INVALID_RESPONSE', retriable: false });
  });

  it('checks its options before looking up the headers', async () => {
    let asked = 0;
    const error = await requestClientSecret({
      url: URL_,
      headers: async () => (asked++, {}),
      session: {},
      expiresAfterSeconds: 5,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: 'INVALID_OPTION' });
    expect(asked).toBe(0);
  });
});
