/**
 * `realtimeCalls()`: the call control endpoints (accept, reject, refer, hangup) and the
 * unified WebRTC `create`, against a scripted `fetch` (no network): what each request carries,
 * how answers and refusals come back, the deadline, the caller's signal, and the key never in
 * an error.
 */
import { deferred, SimulatedClock } from '@voxwire/testing';
import { describe, expect, it } from 'vitest';
import {
  CallControlError,
  ConfigurationError,
  realtimeCalls,
  realtimeCallsUrl,
} from '../src/index.js';

const KEY = 'sk-proj-SECRET-calls-0123';
const OFFER = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n';
const ANSWER = 'v=0\r\no=- 3 4 IN IP4 10.0.0.1\r\ns=-\r\n';

interface Seen {
  url: string;
  init: RequestInit;
}

/** A fetch answering each request with `answer(request)`, recording what it was sent. */
function scripted(answer: (seen: Seen) => Response | Promise<Response>) {
  const seen: Seen[] = [];
  const fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    const request = { url: String(url), init: init ?? {} };
    seen.push(request);
    return answer(request);
  }) as typeof globalThis.fetch;
  return { fetch, seen };
}

const ok = () => new Response(null, { status: 200 });
const refusal =
  (status: number, headers: Record<string, string> = {}) =>
  () =>
    new Response(
      JSON.stringify({
        error: {
          message: `refused with ${KEY}`,
          code: 'call_not_found',
          type: 'invalid_request_error',
        },
      }),
      { status, headers },
    );

const calls = (fetch: typeof globalThis.fetch, more: object = {}) =>
  realtimeCalls({ apiKey: KEY, env: {}, fetch, ...more });

const headersOf = (init: RequestInit) => init.headers as Record<string, string>;

describe('realtimeCalls: the requests', () => {
  it('accept POSTs the session (type realtime) as JSON to /calls/{id}/accept with the key', async () => {
    const { fetch, seen } = scripted(ok);
    await calls(fetch, { organization: 'org_1', project: 'proj_1' }).accept('rtc_abc', {
      model: 'gpt-realtime',
      instructions: 'Be brief.',
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe('https://api.openai.com/v1/realtime/calls/rtc_abc/accept');
    expect(seen[0]!.init).toMatchObject({ method: 'POST', redirect: 'manual' });
    expect(headersOf(seen[0]!.init)).toEqual({
      Authorization: `Bearer ${KEY}`,
      'OpenAI-Organization': 'org_1',
      'OpenAI-Project': 'proj_1',
      'Content-Type': 'application/json',
    });
    expect(JSON.parse(seen[0]!.init.body as string)).toEqual({
      type: 'realtime',
      model: 'gpt-realtime',
      instructions: 'Be brief.',
    });
  });

  it('reject sends status_code when given and {} otherwise; refer sends target_uri; hangup no body', async () => {
    const { fetch, seen } = scripted(ok);
    const api = calls(fetch);
    await api.reject('rtc_1', { statusCode: 486 });
    await api.reject('rtc_1');
    await api.refer('rtc_1', 'tel:+14155550123');
    await api.hangup('rtc_1');
    expect(seen.map((s) => s.url.replace('https://api.openai.com/v1/realtime/calls/', ''))).toEqual(
      ['rtc_1/reject', 'rtc_1/reject', 'rtc_1/refer', 'rtc_1/hangup'],
    );
    expect(seen.map((s) => s.init.body)).toEqual([
      '{"status_code":486}',
      '{}',
      '{"target_uri":"tel:+14155550123"}',
      undefined,
    ]);
    expect(headersOf(seen[3]!.init)).toEqual({ Authorization: `Bearer ${KEY}` });
  });

  it('the call id is URL-path-encoded, and the base URL follows the client-secret rules', async () => {
    const { fetch, seen } = scripted(ok);
    await calls(fetch, {
      baseURL: 'wss://gw.example/v1/realtime?model=x&subscription-key=g%20k',
    }).hangup('rtc/../a?b#c');
    expect(seen[0]!.url).toBe(
      'https://gw.example/v1/realtime/calls/rtc%2F..%2Fa%3Fb%23c/hangup?subscription-key=g%20k',
    );
    expect(realtimeCallsUrl('https://api.openai.com/v1').href).toBe(
      'https://api.openai.com/v1/realtime/calls',
    );
  });

  it('create POSTs multipart sdp + session and returns the SDP answer and the Location call id', async () => {
    const { fetch, seen } = scripted(
      () =>
        new Response(ANSWER, {
          status: 201,
          headers: {
            'Content-Type': 'application/sdp',
            Location: '/v1/realtime/calls/rtc_u1_9c65',
          },
        }),
    );
    const created = await calls(fetch).create({ sdp: OFFER, session: { model: 'gpt-realtime' } });
    expect(created).toEqual({ sdp: ANSWER, callId: 'rtc_u1_9c65' });
    expect(seen[0]!.url).toBe('https://api.openai.com/v1/realtime/calls');
    // no Content-Type of ours: fetch sets multipart/form-data with its boundary
    expect(headersOf(seen[0]!.init)).toEqual({ Authorization: `Bearer ${KEY}` });
    // the form as the server parses it
    const form = await new Request('http://x/', {
      method: 'POST',
      body: seen[0]!.init.body as FormData,
    }).formData();
    expect(form.get('sdp')).toBe(OFFER);
    expect(JSON.parse(form.get('session') as string)).toEqual({
      type: 'realtime',
      model: 'gpt-realtime',
    });
  });

  it('create without a Location gives callId undefined; a 2xx that is no SDP is INVALID_RESPONSE', async () => {
    const plain = scripted(() => new Response(ANSWER, { status: 201 }));
    expect(await calls(plain.fetch).create({ sdp: OFFER, session: {} })).toEqual({
      sdp: ANSWER,
      callId: undefined,
    });
    const page = scripted(() => new Response('<html>hi</html>', { status: 200 }));
    const error = await calls(page.fetch)
      .create({ sdp: OFFER, session: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallControlError);
    expect(error).toMatchObject({
      code: 'INVALID_RESPONSE',
      operation: 'create',
      retriable: false,
    });
  });
});

describe('realtimeCalls: refusals and failures', () => {
  it.each([
    [401, false],
    [404, false],
    [500, true],
    [503, true],
  ])(
    'HTTP %i is HTTP_ERROR (retriable: %s), with the call id and the server code, never the key',
    async (status, retriable) => {
      const { fetch } = scripted(refusal(status));
      const error = await calls(fetch)
        .accept('rtc_gone', { model: 'gpt-realtime' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CallControlError);
      expect(error).toMatchObject({
        code: 'HTTP_ERROR',
        operation: 'accept',
        callId: 'rtc_gone',
        status,
        retriable,
        serverCode: 'call_not_found',
        type: 'invalid_request_error',
      });
      expect((error as Error).message).toContain('Accepting call rtc_gone failed with HTTP');
      expect((error as Error).message).not.toContain(KEY);
    },
  );

  it("429 carries the server's Retry-After as retryAfterMs", async () => {
    const { fetch } = scripted(refusal(429, { 'retry-after': '3' }));
    const error = await calls(fetch)
      .hangup('rtc_1')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'HTTP_ERROR',
      status: 429,
      retriable: true,
      retryAfterMs: 3000,
    });
  });

  it('a request that never answers fails with TIMEOUT at timeoutMs on the clock, and is aborted', async () => {
    const clock = new SimulatedClock();
    const gate = deferred<Response>();
    const { fetch, seen } = scripted(() => gate.promise);
    const result = calls(fetch, { clock, timeoutMs: 2_000 })
      .refer('rtc_1', 'sip:agent@example.com')
      .catch((e: unknown) => e);
    await clock.advance(1_999);
    let settled = false;
    void result.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await clock.advance(1);
    expect(await result).toMatchObject({ code: 'TIMEOUT', operation: 'refer', retriable: true });
    expect(seen[0]!.init.signal?.aborted).toBe(true);
  });

  it("the caller's signal aborts at once with NETWORK_ERROR and its reason as cause", async () => {
    const gate = deferred<Response>();
    const { fetch, seen } = scripted(() => gate.promise);
    const controller = new AbortController();
    const result = calls(fetch)
      .hangup('rtc_1', { signal: controller.signal })
      .catch((e: unknown) => e);
    await Promise.resolve();
    const reason = new Error('caller hung up');
    controller.abort(reason);
    const error = await result;
    expect(error).toBeInstanceOf(CallControlError);
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', cause: reason, callId: 'rtc_1' });
    expect(seen[0]!.init.signal?.aborted).toBe(true);
  });

  it('a redirect is refused, as an HTTP_ERROR that is not retriable, naming where it pointed (no key, no path)', async () => {
    const { fetch } = scripted(({ init }) => {
      // what a fetch given redirect: 'manual' hands back: the 3xx itself, not followed
      if (init.redirect !== 'manual') throw new Error('the redirect would be followed');
      return new Response(null, {
        status: 302,
        headers: { location: `https://evil.example/steal?key=${KEY}` },
      });
    });
    const error = await calls(fetch)
      .accept('rtc_1', {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallControlError);
    expect(error).toMatchObject({
      code: 'HTTP_ERROR',
      status: 302,
      retriable: false,
      operation: 'accept',
    });
    expect((error as Error).message).toContain('was redirected to evil.example (HTTP 302)');
    expect((error as Error).message).not.toContain(KEY);
  });
});

describe('realtimeCalls: bad input is refused before any request', () => {
  const { fetch, seen } = scripted(ok);
  const api = calls(fetch);
  it.each([
    ['an empty call id', () => api.hangup('')],
    ['a call id with whitespace', () => api.hangup('rtc 1')],
    ['a call id that is no string', () => api.hangup(42 as unknown as string)],
    [
      'a session that is no object',
      () => api.accept('rtc_1', null as unknown as Record<string, unknown>),
    ],
    ['a status code under 400', () => api.reject('rtc_1', { statusCode: 200 })],
    ['a status code over 699', () => api.reject('rtc_1', { statusCode: 700 })],
    ['a fractional status code', () => api.reject('rtc_1', { statusCode: 486.5 })],
    ['an http: target', () => api.refer('rtc_1', 'http://example.com')],
    ['a bare number target', () => api.refer('rtc_1', '+14155550123')],
    ['an empty SDP', () => api.create({ sdp: '', session: {} })],
    ['an SDP without its version line', () => api.create({ sdp: 'o=- 1 2', session: {} })],
  ])('%s: a rejection with ConfigurationError INVALID_OPTION', async (_name, call) => {
    const thrown = await call().catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(ConfigurationError);
    expect(thrown).toMatchObject({ code: 'INVALID_OPTION' });
    expect(seen).toHaveLength(0);
  });

  it('sip: and sips: targets pass', async () => {
    await api.refer('rtc_1', 'sip:agent@example.com');
    await api.refer('rtc_1', 'sips:agent@example.com');
    expect(seen).toHaveLength(2);
    seen.length = 0;
  });

  it('the options are checked when made: no key, a bad URL, an insecure URL, a bad timeout', () => {
    expect(() => realtimeCalls({ env: {} })).toThrow(
      expect.objectContaining({ code: 'MISSING_CREDENTIALS' }),
    );
    expect(() => realtimeCalls({ apiKey: KEY, env: {}, baseURL: 'ftp://x' })).toThrow(
      expect.objectContaining({ code: 'INVALID_URL' }),
    );
    expect(() => realtimeCalls({ apiKey: KEY, env: {}, baseURL: 'http://gw.example/v1' })).toThrow(
      expect.objectContaining({ code: 'INSECURE_URL' }),
    );
    expect(() => realtimeCalls({ apiKey: KEY, env: {}, timeoutMs: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
    expect(() => realtimeCalls({ env: { OPENAI_API_KEY: KEY } })).not.toThrow();
  });
});
