import { afterEach, describe, expect, it } from 'vitest';
import { FakeServer, runTransportContract, SimulatedClock } from '../src/index.js';
import { startFakeWsServer, type FakeWsServer } from '../src/ws/index.js';
import { handshake, wsTransport } from './ws-helpers.js';

let running: FakeWsServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});
const start = async (opts: Parameters<typeof startFakeWsServer>[0] = {}) =>
  (running = await startFakeWsServer({ pingIntervalMs: false, ...opts }));
const base = (s: FakeWsServer) => s.url.replace(/\/v1$/, '');

describe('ws mode: handshakes as OpenAI and Azure judge them', () => {
  it('serves ws://127.0.0.1:PORT/v1 and records the handshake', async () => {
    const s = await start();
    expect(s.url).toBe(`ws://127.0.0.1:${s.port}/v1`);
    const r = await handshake(`${s.url}/realtime?model=gpt-realtime`, {
      headers: { Authorization: 'Bearer sk-test' },
    });
    expect(r.frames[0].type).toBe('session.created');
    r.ws?.close();
    expect(s.handshakes[0]).toMatchObject({
      url: '/v1/realtime?model=gpt-realtime',
      outcome: 'accepted',
    });
    expect(s.handshakes[0]!.headers['authorization']).toBe('Bearer sk-test');
  });

  it('a bad key: 101, then invalid_api_key and close 3000; missing model → 4000; missing auth → 3000', async () => {
    const s = await start({ apiKey: 'sk-right' });
    const bad = await handshake(`${s.url}/realtime?model=m`, {
      headers: { Authorization: 'Bearer sk-wrong-key-123456' },
    });
    expect(bad.frames[0].error).toMatchObject({
      type: 'invalid_request_error',
      code: 'invalid_api_key',
    });
    expect(bad.frames[0].error.message).toMatch(/^Incorrect API key provided: /);
    expect(bad.close).toEqual({ code: 3000, reason: 'invalid_request_error.invalid_api_key' });
    const noModel = await handshake(`${s.url}/realtime`, {
      headers: { Authorization: 'Bearer sk-right' },
    });
    expect(noModel.frames[0].error.code).toBe('missing_model');
    expect(noModel.close?.code).toBe(4000);
    const noAuth = await handshake(`${s.url}/realtime?model=m`);
    expect(noAuth.frames[0].error.message).toBe('Missing bearer or basic authentication in header');
    expect(noAuth.close?.code).toBe(3000);
    const sub = await handshake(`${s.url}/realtime?model=m`, {}, [
      'realtime',
      'openai-insecure-api-key.sk-right',
    ]);
    expect(sub.frames[0].type).toBe('session.created');
    expect(sub.ws?.protocol).toBe('realtime');
    sub.ws?.close();
  });

  it('the beta header (or subprotocol) is refused by default like api.openai.com; beta: accept speaks beta', async () => {
    const s = await start();
    const refusedHeader = await handshake(`${s.url}/realtime?model=m`, {
      headers: { Authorization: 'Bearer k', 'OpenAI-Beta': 'realtime=v1' },
    });
    expect(refusedHeader.status).toBeUndefined(); // 101 first, as every refusal of the real API
    expect(refusedHeader.frames).toHaveLength(1);
    expect(refusedHeader.frames[0].error).toMatchObject({
      type: 'invalid_request_error',
      code: 'beta_api_shape_disabled',
    });
    expect(refusedHeader.close).toEqual({
      code: 4000,
      reason: 'invalid_request_error.beta_api_shape_disabled',
    });
    const refused = await handshake(`${s.url}/realtime?model=m`, {}, [
      'realtime',
      'openai-insecure-api-key.k',
      'openai-beta.realtime-v1',
    ]);
    expect(refused.frames[0].error.code).toBe('beta_api_shape_disabled');
    expect(refused.close?.code).toBe(4000);
    expect(s.server.connections).toHaveLength(0);
    await running!.close();
    const a = await start({ beta: 'accept' });
    const beta = await handshake(`${a.url}/realtime?model=m`, {
      headers: { Authorization: 'Bearer k', 'OpenAI-Beta': 'realtime=v1' },
    });
    expect(beta.frames[0].session.modalities).toEqual(['text', 'audio']);
    beta.ws?.close();
  });

  it('Azure: GA path with api-version → HTTP 401; preview path speaks beta; 30-minute sessions', async () => {
    const s = await start();
    const ga401 = await handshake(
      `${base(s)}/openai/v1/realtime?model=dep&api-version=2025-04-01-preview`,
      { headers: { 'api-key': 'k' } },
    );
    expect(ga401.status).toBe(401);
    const ga = await handshake(`${base(s)}/openai/v1/realtime?model=dep`, {
      headers: { 'api-key': 'k' },
    });
    expect(ga.frames[0].session).toMatchObject({ type: 'realtime', model: 'dep' });
    ga.ws?.close();
    const preview = await handshake(
      `${base(s)}/openai/realtime?api-version=2025-04-01-preview&deployment=dep`,
      { headers: { Authorization: 'Bearer entra-token' } },
    );
    expect(preview.frames[0].session.model).toBe('dep');
    expect(preview.frames[0].session.modalities).toBeDefined();
    preview.ws?.close();
    const nowSec = Math.floor(Date.now() / 1000);
    expect(preview.frames[0].session.expires_at - nowSec).toBeGreaterThan(29 * 60);
    expect(preview.frames[0].session.expires_at - nowSec).toBeLessThanOrEqual(30 * 60);
    expect((await handshake(`${base(s)}/nowhere`)).status).toBe(404);
  });

  it('?intent=transcription opens a transcription session', async () => {
    const s = await start();
    const r = await handshake(`${s.url}/realtime?intent=transcription`, {
      headers: { Authorization: 'Bearer k' },
    });
    expect(r.frames[0].session).toMatchObject({
      type: 'transcription',
      object: 'realtime.transcription_session',
    });
    r.ws?.close();
  });

  it('refuses upgrades with a status, stalls, and rejects via faults', async () => {
    const s = await start();
    s.refuseUpgrades(429, 1);
    expect(
      (await handshake(`${s.url}/realtime?model=m`, { headers: { Authorization: 'Bearer k' } }))
        .status,
    ).toBe(429);
    s.server.faults.rejectConnects(1);
    expect(
      (await handshake(`${s.url}/realtime?model=m`, { headers: { Authorization: 'Bearer k' } }))
        .status,
    ).toBe(503);
    s.setStall(true);
    const stalled = wsTransport(`${s.url}/realtime?model=m`, {
      headers: { Authorization: 'Bearer k' },
    });
    const frames: unknown[] = [];
    stalled.onmessage = (f) => frames.push(f);
    await stalled.start();
    expect(s.handshakes.at(-1)!.outcome).toBe('stalled');
    expect(s.server.connections).toHaveLength(0);
    await stalled.close();
    expect(frames).toEqual([]);
  });

  it('pings every 20 s of the injected clock', async () => {
    const clock = new SimulatedClock();
    const s = await start({ clock, pingIntervalMs: 20_000 });
    const r = await handshake(`${s.url}/realtime?model=m`, {
      headers: { Authorization: 'Bearer k' },
    });
    const pinged = new Promise<void>((resolve) => r.ws!.once('ping', () => resolve()));
    clock.advance(20_000);
    await pinged;
    r.ws?.close();
  });
});

describe('ws mode: faults over a real socket', () => {
  it('drops pong answers when asked, and answers them otherwise', async () => {
    const s = await start();
    const r = await handshake(`${s.url}/realtime?model=m`, {
      headers: { Authorization: 'Bearer k' },
    });
    const ws = r.ws!;
    const pong = () =>
      new Promise<string>((resolve) => ws.once('pong', (d) => resolve(d.toString())));
    const first = pong();
    ws.ping('one');
    expect(await first).toBe('one');
    s.setAnswerPings(false);
    const pongs: string[] = [];
    ws.on('pong', (d) => pongs.push(d.toString()));
    ws.ping('two');
    // a round trip after the ping proves it was seen and ignored: the server answers the clear
    ws.send(JSON.stringify({ type: 'input_audio_buffer.clear' }));
    await new Promise<void>((resolve) => ws.once('message', () => resolve()));
    expect(pongs).toEqual([]);
    ws.close();
  });

  it('closeAt with code 1006 drops the socket without a close frame', async () => {
    const s = await start();
    s.server.faults.closeAt('response.created');
    const r = await handshake(`${s.url}/realtime?model=m`, {
      headers: { Authorization: 'Bearer k' },
    });
    const ws = r.ws!;
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send(JSON.stringify({ type: 'response.create' }));
    expect(await closed).toBe(1006);
    await s.server.allClosed();
    s.server.assertClosed();
  });
});

describe('ws mode: transport contract', () => {
  for (const check of runTransportContract('ws client over startFakeWsServer', async () => {
    const server = new FakeServer({ clock: new SimulatedClock() });
    const s = await startFakeWsServer({ server, pingIntervalMs: false });
    return {
      transport: wsTransport(`${s.url}/realtime?model=m`, {
        headers: { Authorization: 'Bearer k' },
      }),
      server,
      dispose: () => s.close(),
    };
  })) {
    it(check.name, () => check.run());
  }
});

describe('ws mode: an existing server', () => {
  it('refuses the options that only configure a new server, as createFakeServer does', async () => {
    const server = new FakeServer({ clock: new SimulatedClock() });
    // the server keeps the options it was made with: these would silently do nothing
    await expect(
      startFakeWsServer({ server, pacing: { realtimeFactor: 1 }, tokenRateLimit: 10 }),
    ).rejects.toThrow(
      expect.objectContaining({
        name: 'FakeServerOptionsError',
        message: expect.stringMatching(/'pacing', 'tokenRateLimit' would be ignored/),
      }),
    );
    // the ws options of its own still apply
    const s = await startFakeWsServer({
      server,
      port: 0,
      host: '127.0.0.1',
      apiKey: 'k',
      azure: false,
      beta: 'refuse',
      pingIntervalMs: false,
      clock: new SimulatedClock(),
      maxSessionDurationMs: 60_000,
      pacing: undefined,
    });
    expect(s.server).toBe(server);
    await s.close();
  });
});
