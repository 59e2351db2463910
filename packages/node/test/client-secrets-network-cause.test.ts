/**
 * A `fetch` that rejects on its own (connection refused, DNS: not an abort, not the deadline)
 * fails with `NETWORK_ERROR` whose `cause` says why (undici's `code` and message) without the
 * original error, which could carry the key, in the chain.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ClientSecretError, createClientSecret } from '../src/index.js';

const KEY = 'sk-proj-SECRET-for-minting-42';
const GATEWAY = 'GATEWAY-subscription-SECRET-77';

// rejects the way Node's fetch (undici) does: a bare 'fetch failed' whose cause has the reason
function rejecting(cause: unknown) {
  return (async () => {
    throw new TypeError('fetch failed', { cause });
  }) as typeof globalThis.fetch;
}

async function failure(
  fetch: typeof globalThis.fetch,
  baseURL?: string,
): Promise<ClientSecretError> {
  const error = await createClientSecret({ apiKey: KEY, baseURL, session: {}, fetch, env: {} })
    .then(() => undefined)
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ClientSecretError);
  return error as ClientSecretError;
}

describe('createClientSecret: a fetch that rejects keeps a redacted cause', () => {
  it("keeps undici's code and message as cause, and says them in the message", async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
    });
    const error = await failure(rejecting(refused));
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', retriable: true });
    expect(error.message).toContain('fetch failed');
    expect(error.message).toContain('connect ECONNREFUSED 127.0.0.1:1');
    const cause = error.cause as Error & { code?: unknown; cause?: unknown };
    expect(cause).toBeInstanceOf(Error);
    expect(cause.code).toBe('ECONNREFUSED');
    expect(cause.message).toBe('fetch failed');
    expect(cause.name).toBe('TypeError');
    const inner = cause.cause as Error & { code?: unknown };
    expect(inner).toMatchObject({
      message: 'connect ECONNREFUSED 127.0.0.1:1',
      code: 'ECONNREFUSED',
    });
    // copies, not the errors fetch threw: those may hold the request (and its key) elsewhere
    expect(inner).not.toBe(refused);
  });

  it('redacts the key and the base URL’s credential query values from the whole chain', async () => {
    const dns = Object.assign(
      new Error(`getaddrinfo ENOTFOUND gw.example (${KEY}, subscription-key=${GATEWAY})`),
      { code: 'ENOTFOUND', request: { headers: { Authorization: `Bearer ${KEY}` } } },
    );
    const error = await failure(
      rejecting(dns),
      `https://gw.example/v1?subscription-key=${GATEWAY}`,
    );
    expect(error.code).toBe('NETWORK_ERROR');
    expect((error.cause as { code?: unknown }).code).toBe('ENOTFOUND');
    const everything = inspect(error, { depth: 20 });
    expect(everything).toContain('getaddrinfo ENOTFOUND gw.example');
    expect(everything).toContain('[REDACTED]');
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain(GATEWAY);
  });

  it('keeps a code on the error fetch threw itself, and survives a cause that loops', async () => {
    const looping = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    Object.assign(looping, { cause: looping });
    const error = await failure((async () => {
      throw looping;
    }) as typeof globalThis.fetch);
    expect(error.message).toContain('socket hang up');
    expect(error.cause).toMatchObject({ message: 'socket hang up', code: 'ECONNRESET' });
  });

  it('gives no cause for a rejection that is not an Error (nothing known to be safe to keep)', async () => {
    const error = await failure((async () => {
      throw { headers: { Authorization: `Bearer ${KEY}` } };
    }) as typeof globalThis.fetch);
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.cause).toBeUndefined();
    expect(inspect(error, { depth: 20 })).not.toContain(KEY);
  });
});
