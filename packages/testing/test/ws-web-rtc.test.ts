/**
 * The ws fake's real WebRTC calls endpoint (`webRtc: true`), driven over HTTP with `fetch`: its
 * refusals, its CORS preflight, a 201 answered by a werift peer, and the typed error without
 * werift. A browser's call end to end is apps/playground's browser-webrtc test.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { weriftClient } from './werift-client.js';
import { speechThenSilence, WebRtcUnavailableError } from '../src/index.js';
import { startFakeWsServer, WERIFT_VERSION, type FakeWsServer } from '../src/ws/index.js';
import { loadWerift, loopbackOnly } from '../src/ws/werift-peer.js';

const KEY = 'sk-test-webrtc';
let fake: FakeWsServer | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const base = (f: FakeWsServer) => f.url.replace(/^ws/, 'http').replace(/\/v1$/, '');

async function start(options: Parameters<typeof startFakeWsServer>[0] = {}) {
  fake = await startFakeWsServer({ apiKey: KEY, pingIntervalMs: false, webRtc: true, ...options });
  return fake;
}

/** A real offer (audio + `oai-events`), from a werift peer kept on loopback. */
const realOffer = () => weriftClient();

const post = (url: string, body: string, headers: Record<string, string>) =>
  fetch(url, { method: 'POST', body, headers });

describe('startFakeWsServer({ webRtc: true }): POST /v1/realtime/calls', () => {
  it('answers the CORS preflight a browser sends before its POST', async () => {
    const f = await start();
    const res = await fetch(`${base(f)}/v1/realtime/calls`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://page.test',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toBe('POST');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/authorization, content-type/i);
  });

  it('refuses as the in-memory endpoint does: 401, 400, 404, 405, each readable cross-origin', async () => {
    const f = await start();
    const url = `${base(f)}/v1/realtime/calls`;
    const sdpHeaders = { 'content-type': 'application/sdp' };
    const cases = [
      [await post(url, 'v=0\r\n', sdpHeaders), 401, null],
      [
        await post(url, 'v=0\r\n', { ...sdpHeaders, authorization: 'Bearer sk-wrong' }),
        401,
        'invalid_api_key',
      ],
      [
        await post(url, '{}', {
          authorization: `Bearer ${KEY}`,
          'content-type': 'application/json',
        }),
        400,
        'invalid_value',
      ],
      [
        await post(url, 'not sdp', { ...sdpHeaders, authorization: `Bearer ${KEY}` }),
        400,
        'invalid_offer',
      ],
      // a call-control route, served: the call is unknown
      [
        await post(`${url}/rtc_x/hangup`, '', { authorization: `Bearer ${KEY}` }),
        404,
        'call_not_found',
      ],
      [await post(`${url}/rtc_x/other`, '', { authorization: `Bearer ${KEY}` }), 404, null],
      [await fetch(url, { headers: { authorization: `Bearer ${KEY}` } }), 405, null],
    ] as const;
    for (const [res, status, code] of cases) {
      expect(res.status).toBe(status);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      const body = (await res.json()) as { error: { code: string | null; message: string } };
      expect(body.error.code).toBe(code);
      expect(body.error.message).not.toBe('');
    }
    expect(f.webRtcCalls).toEqual([]);
  });

  it('answers a real offer: 201, SDP with loopback candidates only, Location naming the call; close releases the peer', async () => {
    const f = await start();
    const secret = f.server.mintClientSecret({}).body['value'] as string;
    const { pc, sdp } = await realOffer();
    try {
      const res = await post(`${base(f)}/v1/realtime/calls`, sdp, {
        'content-type': 'application/sdp',
        authorization: `Bearer ${secret}`,
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('content-type')).toBe('application/sdp');
      expect(res.headers.get('access-control-expose-headers')).toBe('Location');
      const answer = await res.text();
      expect(answer).toMatch(/^v=0\r\n/);
      const candidates = answer.split('\r\n').filter((l) => l.startsWith('a=candidate'));
      expect(candidates.length).toBeGreaterThan(0);
      for (const c of candidates) expect(c).toMatch(/ 127\.0\.0\.1 \d+ typ host/);
      const [call] = f.webRtcCalls;
      expect(res.headers.get('location')).toBe(`/v1/realtime/calls/${call!.callId}`);
      expect(call).toMatchObject({
        azure: false,
        clientSecret: secret,
        state: 'answered',
        offer: sdp,
      });
      expect(call!.hear(new Int16Array(480))).toBe(false); // no connection before the channel
      await f.close();
      fake = undefined;
      await call!.closed;
      expect(call!.state).toBe('closed');
    } finally {
      await pc.close();
    }
  });

  it('bridges oai-events to a media connection: events both ways, no audio deltas, hear() reaches the VAD, a hang-up closes the peer', async () => {
    const f = await start();
    f.server.queueResponse((ctx) => ctx.say('Hi.'));
    const client = await realOffer();
    try {
      const res = await post(`${base(f)}/v1/realtime/calls`, client.sdp, {
        'content-type': 'application/sdp',
        authorization: `Bearer ${KEY}`,
      });
      await client.pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
      await client.event('session.created');
      const [call] = f.webRtcCalls;
      expect(call!.state).toBe('open');
      expect(call!.connection!.audioPath).toBe('media');

      client.channel.send(JSON.stringify({ type: 'response.create' }));
      await client.event('output_audio_buffer.stopped');
      const types = client.inbox.map((e) => e.type);
      expect(types).toContain('response.done');
      expect(types.indexOf('output_audio_buffer.started')).toBeLessThan(
        types.indexOf('output_audio_buffer.stopped'),
      );
      expect(types).not.toContain('response.output_audio.delta');

      for (const frame of speechThenSilence(500, 800)) expect(call!.hear(frame.data)).toBe(true);
      await client.event('input_audio_buffer.committed');
      expect(client.inbox.map((e) => e.type)).toContain('input_audio_buffer.speech_started');

      // the server hangs up: the app's channel closes and the server's peer is released
      call!.connection!.close(1000, 'bye');
      await client.channelClosed;
      await call!.closed;
      expect(call!.state).toBe('closed');
      expect(call!.hear(new Int16Array(480))).toBe(false);
    } finally {
      await client.pc.close();
    }
  });

  it("the app's channel close (then pc.close(), as core's close() does) ends the server's connection", async () => {
    const f = await start();
    const client = await realOffer();
    try {
      const res = await post(`${base(f)}/v1/realtime/calls`, client.sdp, {
        'content-type': 'application/sdp',
        authorization: `Bearer ${KEY}`,
      });
      await client.pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
      await client.event('session.created');
      client.channel.close();
      await client.channelClosed;
    } finally {
      await client.pc.close();
    }
    const [call] = f.webRtcCalls;
    await call!.closed;
    expect(call!.state).toBe('closed');
    expect(call!.connection!.open).toBe(false);
  });

  it("serves Azure's path (api-key header) only with azure", async () => {
    const f = await start();
    const { pc, sdp } = await realOffer();
    try {
      const res = await post(`${base(f)}/openai/v1/realtime/calls`, sdp, {
        'content-type': 'application/sdp',
        'api-key': KEY,
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toMatch(/^\/openai\/v1\/realtime\/calls\/rtc_/);
      expect(f.webRtcCalls[0]?.azure).toBe(true);
    } finally {
      await pc.close();
    }
    await f.close();
    const openaiOnly = await start({ azure: false });
    const res = await post(`${base(openaiOnly)}/openai/v1/realtime/calls`, 'v=0', {
      'api-key': KEY,
    });
    expect(res.status).toBe(426); // not a path this server serves
  });

  it('without webRtc the calls path is not served (the WebSocket-only answer)', async () => {
    fake = await startFakeWsServer({ apiKey: KEY, pingIntervalMs: false });
    const res = await post(`${base(fake)}/v1/realtime/calls`, 'v=0', {
      authorization: `Bearer ${KEY}`,
    });
    expect(res.status).toBe(426);
    expect(fake.webRtcCalls).toEqual([]);
  });

  it("keeps only the offer's 127.0.0.1 host candidates", () => {
    const sdp = [
      'v=0',
      'a=candidate:1 1 udp 2122260223 127.0.0.1 38103 typ host generation 0',
      'a=candidate:2 1 udp 2122260223 192.168.1.4 38104 typ host generation 0',
      'a=candidate:3 1 udp 2122260223 abcd.local 38105 typ host generation 0',
      'a=mid:0',
    ].join('\r\n');
    expect(loopbackOnly(sdp).split('\r\n')).toEqual([
      'v=0',
      'a=candidate:1 1 udp 2122260223 127.0.0.1 38103 typ host generation 0',
      'a=mid:0',
    ]);
  });
});

describe('without werift', () => {
  it('loadWerift rejects with WebRtcUnavailableError naming the version to install', async () => {
    const missing = new Error("Cannot find package 'werift'");
    const error = await loadWerift(() => Promise.reject(missing)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebRtcUnavailableError);
    expect(error).toMatchObject({ code: 'WEBRTC_UNAVAILABLE', cause: missing });
    expect((error as Error).message).toContain(`werift@${WERIFT_VERSION}`);
    expect(WERIFT_VERSION).toBe('0.24.4');
  });

  it('startFakeWsServer({ webRtc: true }) rejects with it, listening on nothing', async () => {
    vi.resetModules();
    vi.doMock('werift', () => {
      throw new Error("Cannot find package 'werift'");
    });
    try {
      const ws = await import('../src/ws/index.js');
      const errors = await import('../src/errors.js');
      const error = await ws.startFakeWsServer({ webRtc: true }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(errors.WebRtcUnavailableError);
      expect((error as Error).message).toMatch(/install werift@0\.24\.4/);
      // and the ws subpath itself loads and serves without it
      const plain = await ws.startFakeWsServer({ pingIntervalMs: false });
      expect(plain.webRtcCalls).toEqual([]);
      await plain.close();
    } finally {
      vi.doUnmock('werift');
      vi.resetModules();
    }
  });
});
