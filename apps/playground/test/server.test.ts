import { request } from 'node:http';
import { connect as tcpConnect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultProviderFactories } from '../src/server/default-providers.js';
import { startPlaygroundServer } from '../src/server/server.js';
import { initialSettings } from '../src/server/session-settings.js';
import type { PlaygroundServer } from '../src/server/server.js';
import { PageClient, toneThenSilence } from './helpers.js';

let server: PlaygroundServer | undefined;
const clients: PageClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.close();
  server = undefined;
});

async function startFake(): Promise<PlaygroundServer> {
  server = await startPlaygroundServer({
    provider: { kind: 'fake' },
    factories: defaultProviderFactories,
  });
  return server;
}

async function page(url: string): Promise<PageClient> {
  const client = await PageClient.connect(url);
  clients.push(client);
  return client;
}

function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    })
      .on('error', reject)
      .end();
  });
}

describe('playground server', () => {
  it('stopping closes each page with 1001 (going away), which a page tells from a crash (1006)', async () => {
    const s = await startFake();
    const client = await page(s.url);
    await s.close();
    server = undefined;
    expect(await client.closed).toEqual({ code: 1001, reason: 'the playground is stopping' });
  });

  it('listens on 127.0.0.1 only', async () => {
    const s = await startFake();
    const address = s.http.address();
    expect(address).toMatchObject({ address: '127.0.0.1', family: 'IPv4' });
    expect(s.url).toBe(`http://127.0.0.1:${s.port}/`);
    // not reachable on any other interface address of this machine
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i && i.family === 'IPv4' && !i.internal)
      .map((i) => i!.address);
    for (const ip of others) {
      await expect(get(`http://${ip}:${s.port}/`)).rejects.toThrow(/ECONNREFUSED/);
    }
  });

  it('a port already in use is refused with what to do, not the bare EADDRINUSE', async () => {
    const s = await startFake();
    const second = startPlaygroundServer({
      provider: { kind: 'fake' },
      factories: defaultProviderFactories,
      port: s.port,
    });
    await expect(second).rejects.toThrow(
      `port ${s.port} on 127.0.0.1 is in use (another playground still running?): pass another --port, or leave --port out for a free one`,
    );
    // the first one is unaffected
    expect((await get(s.url)).status).toBe(200);
  });

  it('serves the page with a strict CSP and says which provider is live', async () => {
    const s = await startFake();
    const index = await get(s.url);
    expect(index.status).toBe(200);
    expect(index.body).toContain('<script type="module" src="/app.js">');
    expect(String(index.headers['content-security-policy'])).toContain("default-src 'self'");
    const info = await get(`${s.url}api/info`);
    expect(JSON.parse(info.body)).toEqual({
      provider: {
        kind: 'fake',
        label: 'Embedded fake server (no network)',
        model: 'voxwire demo agent',
      },
      // what a new session starts with, shown on the form before Connect
      settings: initialSettings(true),
      transcriptionAvailable: true,
    });
    expect((await get(`${s.url}..%2Fpackage.json`)).status).toBe(404);
    expect((await get(`${s.url}nope.js`)).status).toBe(404);
  });

  it('refuses requests for another Host (DNS rebinding) and sockets from another origin', async () => {
    const s = await startFake();
    expect((await get(s.url, { host: 'evil.example:80' })).status).toBe(421);
    await expect(PageClient.connect(s.url, { origin: 'https://evil.example' })).rejects.toThrow(
      /403/,
    );
    const ok = await PageClient.connect(s.url, { origin: `http://127.0.0.1:${s.port}` });
    clients.push(ok);
    await ok.next('hello');
  });

  it('survives clients that reset a refused upgrade at once', async () => {
    const s = await startFake();
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      for (let i = 0; i < 100; i++) {
        await new Promise<void>((resolve) => {
          const socket = tcpConnect(s.port, '127.0.0.1', () => {
            socket.write(
              `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: http://evil.example\r\n\r\n`,
            );
            // reset while the server answers 403
            setImmediate(() => {
              socket.resetAndDestroy();
              resolve();
            });
          });
          socket.on('error', () => resolve());
        });
      }
      expect((await get(s.url)).status).toBe(200);
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });

  it('runs a session against the fake: hello, connected, a typed turn answered with transcript, audio and metrics', async () => {
    const s = await startFake();
    const p = await page(s.url);
    const hello = await p.next('hello');
    expect(hello.provider.kind).toBe('fake');
    await p.next('link', (m) => m.state === 'connected');
    p.sendJson({ type: 'text', text: 'Hello there' });
    const userText = await p.next('user_text');
    expect(userText.text).toBe('Hello there');
    const done = await p.next('response_done');
    expect(done.status).toBe('completed');
    const metrics = await p.next('metrics');
    expect(metrics.responseId).toBe(done.responseId);
    expect(metrics.timeline.map((m) => m.kind)).toEqual(
      expect.arrayContaining(['created', 'first_text', 'first_audio', 'done']),
    );
    const transcript = p.messages
      .filter((m) => m.type === 'assistant_delta' && m.responseId === done.responseId)
      .map((m) => (m.type === 'assistant_delta' ? m.delta : ''))
      .join('');
    expect(transcript).toBe('You said: Hello there');
    expect(p.messages.some((m) => m.type === 'audio' && m.responseId === done.responseId)).toBe(
      true,
    );
  });

  it('a session that cannot start: one error saying what to do, the session closed, then the socket', async () => {
    server = await startPlaygroundServer({
      provider: { kind: 'fake' },
      factories: {
        ...defaultProviderFactories,
        fake: () => {
          throw new Error('no fake today');
        },
      },
    });
    const p = await page(server.url);
    expect(await p.closed).toEqual({ code: 1011, reason: 'session could not start' });
    expect(p.messages).toEqual([
      {
        type: 'error',
        source: 'engine',
        code: 'SESSION_START_FAILED',
        message: expect.stringMatching(/\(no fake today\)\. Press Connect to try again/),
      },
      { type: 'link', state: 'closed', detail: 'the session could not start' },
    ]);
  });

  it('a malformed page message gets an error back and the session goes on', async () => {
    const s = await startFake();
    const p = await page(s.url);
    await p.next('link', (m) => m.state === 'connected');
    p.sendJson('{not json');
    expect(await p.nextNew('error')).toMatchObject({
      source: 'page',
      code: 'BAD_MESSAGE',
      message: 'message is not valid JSON',
    });
    p.sendJson({ type: 'interrupt', cancel: true, items: [{ itemId: '', playedMs: -5 }] });
    const refused = await p.nextNew('error');
    expect(refused.code).toBe('BAD_MESSAGE');
    expect(refused.message).toMatch(/itemId/);
    p.sendJson({ type: 'launch_missiles' });
    expect((await p.nextNew('error')).message).toMatch(/type/);
    p.socket.send(new Uint8Array(3)); // odd byte count: not PCM16
    expect(await p.nextNew('error')).toMatchObject({ code: 'BAD_AUDIO' });
    // still alive: a typed turn is answered
    p.sendJson({ type: 'text', text: 'still there?' });
    expect((await p.next('response_done')).status).toBe('completed');
  });

  it('server VAD on streamed audio: speech detected, committed, transcribed, answered', async () => {
    const s = await startFake();
    const p = await page(s.url);
    await p.next('link', (m) => m.state === 'connected');
    const pcm = toneThenSilence(800, 900);
    for (let i = 0; i < pcm.length; i += 960) p.socket.send(pcm.slice(i, i + 960));
    const started = await p.next('speech_started');
    const committed = await p.next('committed');
    expect(committed.itemId).toBe(started.itemId);
    const transcript = await p.next('user_transcript', (m) => m.final);
    expect(transcript.text).toMatch(/seconds of audio/);
    expect((await p.next('response_done')).status).toBe('completed');
  });

  it('push-to-talk: a too-short turn is refused locally, a real one is committed and answered', async () => {
    const s = await startFake();
    const p = await page(s.url);
    await p.next('link', (m) => m.state === 'connected');
    p.sendJson({ type: 'settings', settings: { turnDetection: null } });
    expect((await p.nextNew('settings_applied')).settings.turnDetection).toBeNull();
    p.sendJson({ type: 'ptt_start' });
    p.sendJson({ type: 'ptt_commit' });
    expect(await p.nextNew('error')).toMatchObject({ code: 'TOO_SHORT' });
    p.sendJson({ type: 'ptt_start' });
    const pcm = toneThenSilence(500, 0);
    for (let i = 0; i < pcm.length; i += 960) p.socket.send(pcm.slice(i, i + 960));
    p.sendJson({ type: 'ptt_commit' });
    await p.next('committed');
    expect((await p.next('response_done')).status).toBe('completed');
  });
});

describe('tools', () => {
  it('a tool call runs in the server and its arguments and result reach the page, then the model answers', async () => {
    const s = await startFake();
    const p = await page(s.url);
    await p.next('link', (m) => m.state === 'connected');
    p.sendJson({ type: 'text', text: 'What is the weather in Paris?' });
    const call = await p.next('tool_call');
    expect(call.name).toBe('get_weather');
    expect(JSON.parse(call.arguments)).toEqual({ location: 'Paris' });
    const result = await p.next('tool_result');
    expect(result).toMatchObject({ callId: call.callId, name: 'get_weather', ok: true });
    expect(JSON.parse(result.output)).toMatchObject({
      location: 'Paris',
      unit: 'celsius',
      note: 'demo data',
    });
    // the follow-up response speaks about the result
    const followUp = await p.next(
      'response_done',
      (m) =>
        m.responseId !== call.responseId &&
        p.messages.some((x) => x.type === 'assistant_delta' && x.responseId === m.responseId),
    );
    const words = p.messages
      .flatMap((m) =>
        m.type === 'assistant_delta' && m.responseId === followUp.responseId ? [m.delta] : [],
      )
      .join('');
    expect(words).toMatch(/^Here is what I found: .*Paris/);
  });

  it('tools off: the model gets no tools and answers in words', async () => {
    const s = await startFake();
    const p = await page(s.url);
    await p.next('link', (m) => m.state === 'connected');
    p.sendJson({ type: 'settings', settings: { toolsEnabled: false } });
    await p.nextNew('settings_applied');
    p.sendJson({ type: 'text', text: 'What is the weather in Paris?' });
    await p.next('response_done');
    expect(p.messages.some((m) => m.type === 'tool_call')).toBe(false);
  });
});
