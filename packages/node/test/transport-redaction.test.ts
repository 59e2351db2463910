/**
 * createWebSocketTransport never shows a credential: a URL's password, or a credential-like
 * query value (an APIM subscription-key=, key=, sig=) echoed by a refusal, a redirect's Location
 * or the server's close reason, stays out of messages, close reasons and causes.
 */
import { describe, expect, it } from 'vitest';
import { createWebSocketTransport } from '../src/index.js';
import { closedPort } from '@voxwire/testing/ws';
import { SECRET, startError, transportTestKit } from './transport-helpers.js';

const { wsServer, refusingServer, track } = transportTestKit();

describe('createWebSocketTransport: failed connects never crash the process', () => {
  it('never shows the password of a URL with credentials in a message', async () => {
    const port = await closedPort();
    const transport = createWebSocketTransport({
      url: `ws://user:${SECRET}@127.0.0.1:${port}/v1/realtime`,
    });
    const t = track(transport);
    const error = await startError(transport);
    expect(error).toMatchObject({ code: 'CONNECT_FAILED' });
    expect(error.message).toContain(`127.0.0.1:${port}`);
    const [, reason] = await t.closed;
    for (const text of [error.message, reason, String(error.cause ?? '')])
      expect(text).not.toContain(SECRET);
  });

  it('never shows a credential-like query value (an APIM subscription-key=, key=, sig=) that a refusal or a redirect echoes', async () => {
    // decoded, a SAS-style value differs from what the URL carries (`+`, `/`, `=` are escaped)
    const SUB = 'apim-subscription-5e4d3c2b1a';
    const SIG = 'sv2024+Abc/Def=';
    const query = `subscription-key=${SUB}&sig=${encodeURIComponent(SIG)}&model=m`;
    const refusing = await refusingServer({
      status: 401,
      body: JSON.stringify({
        message: `Access denied for /v1/realtime?${query} (key ${SUB}, signature ${SIG})`,
      }),
    });
    const refused = createWebSocketTransport({ url: `${refusing.url}?${query}` });
    const t = track(refused);
    const error = await startError(refused);
    expect(error).toMatchObject({ code: 'AUTH_FAILED' });
    expect(error.message).toContain('Access denied');
    await t.closed;
    for (const text of [error.message, JSON.stringify(t.closes)]) {
      expect(text).not.toContain(SUB);
      expect(text).not.toContain(SIG);
      expect(text).not.toContain(encodeURIComponent(SIG));
    }

    const KEYQ = 'query-key-77aa88bb99';
    const redirecting = await refusingServer({
      status: 302,
      headers: { Location: `https://elsewhere.example/v1/realtime?key=${KEYQ}` },
    });
    const redirected = createWebSocketTransport({ url: `${redirecting.url}?key=${KEYQ}` });
    track(redirected);
    const redirect = await startError(redirected);
    expect(redirect).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 302 });
    expect(redirect.message).toContain('elsewhere.example');
    expect(redirect.message).not.toContain(KEYQ);
  });

  it("never shows a credential-like query value the server's close reason echoes", async () => {
    const SUB = 'apim-subscription-0f1e2d3c4b';
    const server = await wsServer();
    const transport = createWebSocketTransport({
      url: `${server.url}?subscription-key=${SUB}`,
      keepAlive: false,
    });
    const t = track(transport);
    await transport.start();
    (await server.nextHandshake()).socket.close(4000, `bad subscription-key=${SUB}`);
    const [code, reason] = await t.closed;
    expect(code).toBe(4000);
    expect(reason).toContain('[REDACTED]');
    expect(reason).not.toContain(SUB);
    expect(t.errors[0]!.message).not.toContain(SUB);
    expect(JSON.stringify(t.errors[0])).not.toContain(SUB);
  });
});
