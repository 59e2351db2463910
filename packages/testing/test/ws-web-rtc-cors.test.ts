/**
 * The ws fake's WebRTC calls endpoint answers a browser's CORS preflight for the headers the
 * page's fetch really sends: a wrapper's tracing header or an SDK's own one must not make the
 * browser refuse the POST before it is sent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeWsServer, type FakeWsServer } from '../src/ws/index.js';

let fake: FakeWsServer | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const preflight = (f: FakeWsServer, headers: Record<string, string>) =>
  fetch(`${f.url.replace(/^ws/, 'http').replace(/\/v1$/, '')}/v1/realtime/calls`, {
    method: 'OPTIONS',
    headers: { origin: 'http://page.test', 'access-control-request-method': 'POST', ...headers },
  });

describe('the calls endpoint CORS preflight', () => {
  it('allows every header the browser asks for, not only Authorization and Content-Type', async () => {
    fake = await startFakeWsServer({ pingIntervalMs: false, webRtc: true });
    const res = await preflight(fake, {
      'access-control-request-headers': 'authorization,content-type,openai-beta,x-request-id',
    });
    expect(res.status).toBe(204);
    const allowed = (res.headers.get('access-control-allow-headers') ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase());
    expect(allowed).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'openai-beta', 'x-request-id']),
    );
    // the answer depends on the request's header list: a cache must not reuse it for another
    expect(res.headers.get('vary')).toMatch(/access-control-request-headers/i);
  });

  it('still allows the headers of a calls POST when the browser names none', async () => {
    fake = await startFakeWsServer({ pingIntervalMs: false, webRtc: true });
    const res = await preflight(fake, {});
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-headers')).toBe(
      'Authorization, Content-Type, api-key',
    );
  });
});
