/**
 * Refusals as Azure OpenAI words them, on the WebSocket upgrade and on a REST request (the
 * client-secret mint): the wait its `retry-after-ms` header asks for (milliseconds, preferred to
 * `Retry-After`, as openai-node reads it), and its sentences quoted without doubled punctuation.
 */
import { describe, expect, it } from 'vitest';
import { createWebSocketTransport, requestClientSecret } from '../src/index.js';
import { startError, transportTestKit } from './transport-helpers.js';

const { refusingServer, track } = transportTestKit();

const NOT_FOUND =
  'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.';
const RATE_LIMITED =
  'Requests to the Realtime operation under Azure OpenAI API have exceeded call rate limit. Please retry after 20 seconds.';

/** The upgrade's error for a refusal with these headers and body. */
async function upgradeRefusal(status: number, headers: Record<string, string>, message = '') {
  const body = message ? JSON.stringify({ error: { code: String(status), message } }) : '';
  const server = await refusingServer({ status, headers, body });
  const transport = createWebSocketTransport({ url: server.url });
  track(transport);
  return startError(transport);
}

/** The mint's error for a refusal with these headers. */
function mintRefusal(status: number, headers: Record<string, string>) {
  const fetch = (async () =>
    new Response(JSON.stringify({ error: { code: String(status), message: RATE_LIMITED } }), {
      status,
      headers,
    })) as typeof globalThis.fetch;
  return requestClientSecret({
    url: new URL('https://res.openai.azure.com/openai/v1/realtime/client_secrets'),
    headers: async () => ({}),
    session: {},
    fetch,
  }).catch((e: unknown) => e);
}

describe("Azure's retry-after-ms", () => {
  it.each([
    ['alone', { 'retry-after-ms': '3000' }, 3_000],
    [
      'beside a coarser Retry-After, preferred',
      { 'retry-after-ms': '1500', 'Retry-After': '2' },
      1_500,
    ],
    [
      'unreadable, giving way to Retry-After',
      { 'retry-after-ms': 'soon', 'Retry-After': '4' },
      4_000,
    ],
  ])('on the upgrade: %s', async (_case, headers, ms) => {
    expect(await upgradeRefusal(429, headers)).toMatchObject({
      code: 'CONNECT_FAILED',
      httpStatus: 429,
      retryAfterMs: ms,
    });
  });

  it.each([
    ['alone', { 'retry-after-ms': '3000' }, 3_000],
    [
      'beside a coarser Retry-After, preferred',
      { 'retry-after-ms': '1500', 'retry-after': '2' },
      1_500,
    ],
    ['a fraction, rounded', { 'retry-after-ms': '250.6' }, 251],
  ])('on the mint: %s', async (_case, headers, ms) => {
    expect(await mintRefusal(429, headers)).toMatchObject({
      code: 'HTTP_ERROR',
      status: 429,
      retriable: true,
      retryAfterMs: ms,
    });
  });
});

describe("Azure's sentences in an upgrade's refusal", () => {
  it('a 404 whose message ends with a period reads "try again. Check", not "again.. Check"', async () => {
    const error = await upgradeRefusal(404, {}, NOT_FOUND);
    expect(error.message).toBe(
      `The server refused the WebSocket upgrade with HTTP 404: ${NOT_FOUND} Check the URL, path, model or deployment name.`,
    );
  });

  it('a 429 whose message ends with a period reads "seconds; retrying", not "seconds.; retrying"', async () => {
    const error = await upgradeRefusal(429, { 'Retry-After': '20' }, RATE_LIMITED);
    expect(error.message).toBe(
      `The server refused the WebSocket upgrade with HTTP 429: ${RATE_LIMITED.slice(0, -1)}; retrying later may succeed.`,
    );
  });
});
