/**
 * The client-secrets request carries the base URL's query, a gateway's key among it: no error
 * that could quote the request (a refusal's body, `serverCode`, `type`, a fetch failure) may
 * show that key, nor the API key, anywhere `util.inspect` looks.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  ClientSecretError,
  clientSecretsUrl,
  ConfigurationError,
  createClientSecret,
} from '../src/index.js';

const KEY = 'sk-proj-SECRET-for-minting-42';
const GATEWAY = 'GATEWAY-subscription-SECRET-77';
const BASE = `https://gw.example/openai/v1?subscription-key=${GATEWAY}&foo=1`;
const REQUEST = `https://gw.example/openai/v1/realtime/client_secrets?subscription-key=${GATEWAY}&foo=1`;

/** A fetch answering `status` with `body`, and the URLs it was asked for. */
function answering(status: number, body: string) {
  const urls: string[] = [];
  const fetch = (async (url: string | URL | Request) => {
    urls.push(String(url));
    return new Response(body, { status });
  }) as typeof globalThis.fetch;
  return { fetch, urls };
}

async function failure(fetch: typeof globalThis.fetch): Promise<ClientSecretError> {
  const error = await createClientSecret({
    apiKey: KEY,
    baseURL: BASE,
    session: {},
    fetch,
    env: {},
  })
    .then(() => undefined)
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ClientSecretError);
  return error as ClientSecretError;
}

function expectNoSecret(error: ClientSecretError): void {
  const everything = inspect(error, { depth: 20 });
  expect(everything).toContain('[REDACTED]');
  expect(everything).not.toContain(GATEWAY);
  expect(everything).not.toContain(KEY);
  // a part of a key is a key too: nothing longer than a few characters of it is left
  expect(everything).not.toContain(GATEWAY.slice(0, 8));
  expect(everything).not.toContain(KEY.slice(0, 8));
}

describe('createClientSecret redacts the gateway key it now sends', () => {
  it('an HTTP 401 whose JSON error quotes the request URL in its message, code and type', async () => {
    const { fetch, urls } = answering(
      401,
      JSON.stringify({
        error: {
          message: `Access denied for POST ${REQUEST} (key ${KEY})`,
          code: `invalid_subscription_key:${GATEWAY}`,
          type: `denied ${KEY}`,
        },
      }),
    );
    const error = await failure(fetch);
    expect(urls).toEqual([REQUEST]);
    expect(error).toMatchObject({ code: 'HTTP_ERROR', status: 401, retriable: false });
    expect(error.message).toContain('HTTP 401: Access denied for POST https://gw.example/');
    expect(error.serverCode).toBe('invalid_subscription_key:[REDACTED]');
    expect(error.type).toBe('denied [REDACTED]');
    expectNoSecret(error);
  });

  it('an HTTP 401 whose plain-text page has the key across the 300-character cut', async () => {
    // the key starts 10 characters before the cut: cut first, its first 10 characters stayed
    const page = `${'x'.repeat(290)}${GATEWAY}${'y'.repeat(50)}`;
    const error = await failure(answering(401, page).fetch);
    expect(error).toMatchObject({ code: 'HTTP_ERROR', status: 401 });
    expect(error.message).toContain(`HTTP 401: ${'x'.repeat(290)}[REDACTED]`);
    expectNoSecret(error);
  });

  it('a network failure whose error (and its cause) quotes the request URL', async () => {
    const fetch = (async (url: string | URL | Request) => {
      throw new TypeError(`request to ${String(url)} failed`, {
        cause: Object.assign(new Error(`connect ECONNREFUSED for ${decodeURI(String(url))}`), {
          code: 'ECONNREFUSED',
        }),
      });
    }) as typeof globalThis.fetch;
    const error = await failure(fetch);
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', retriable: true });
    expect((error.cause as { code?: unknown }).code).toBe('ECONNREFUSED');
    expect(error.message).toContain('request to https://gw.example/');
    expectNoSecret(error);
  });

  it('a base URL that does not parse: INVALID_URL keeps the parse error’s code, not the URL it quotes', async () => {
    // Node's TypeError keeps the whole input (`input: 'https://gw example/…?subscription-key=…'`)
    const bad = `https://gw example/v1?subscription-key=${GATEWAY}`;
    let error: ConfigurationError | undefined;
    try {
      clientSecretsUrl(bad);
    } catch (e) {
      error = e as ConfigurationError;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error?.code).toBe('INVALID_URL');
    expect((error?.cause as { code?: unknown }).code).toBe('ERR_INVALID_URL');
    expect(inspect(error, { depth: 20 })).not.toContain(GATEWAY);
    const minted = await createClientSecret({ apiKey: KEY, baseURL: bad, session: {}, env: {} })
      .then(() => undefined)
      .catch((e: unknown) => e);
    expect(minted).toMatchObject({ code: 'INVALID_URL' });
    expect(inspect(minted, { depth: 20 })).not.toContain(GATEWAY);
  });
});
