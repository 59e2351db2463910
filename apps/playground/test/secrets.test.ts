import { startFakeWsServer } from '@voxwire/testing/ws';
import type { FakeWsServer } from '@voxwire/testing/ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderConfig } from '../src/server/config.js';
import { defaultProviderFactories } from '../src/server/default-providers.js';
import { startPlaygroundServer } from '../src/server/server.js';
import type { PlaygroundServer } from '../src/server/server.js';
import { PageClient, toneThenSilence } from './helpers.js';

const KEY = 'sk-playground-TOPSECRET-0123456789abcdef';
let fake: FakeWsServer | undefined;
let server: PlaygroundServer | undefined;
let client: PageClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  await fake?.close();
  client = server = fake = undefined;
});

/** Fails with the offending frame's index (never printing the frame, which would print the key). */
function expectNoSecret(frames: readonly string[]): void {
  const leaks = frames.flatMap((f, i) => (f.includes(KEY) || f.includes('TOPSECRET') ? [i] : []));
  expect(leaks, 'frames that carry the key').toEqual([]);
}

async function run(provider: ProviderConfig): Promise<PageClient> {
  server = await startPlaygroundServer({ provider, factories: defaultProviderFactories });
  client = await PageClient.connect(server.url);
  return client;
}

describe('the API key never reaches the page', () => {
  it('OpenAI: a whole session (typed turn, tool call, audio turn) carries no frame with the key', async () => {
    fake = await startFakeWsServer({ apiKey: KEY, pingIntervalMs: false });
    const p = await run({ kind: 'openai', apiKey: KEY, model: 'gpt-realtime', baseUrl: fake.url });
    const hello = await p.next('hello');
    expect(hello.provider).toMatchObject({ kind: 'openai', model: 'gpt-realtime' });
    await p.next('link', (m) => m.state === 'connected');
    // the server did use the key, in its handshake
    expect(fake.handshakes[0]?.headers['authorization']).toBe(`Bearer ${KEY}`);
    p.sendJson({ type: 'text', text: 'What is the weather in Oslo?' });
    expect((await p.next('tool_result')).ok).toBe(true);
    await p.next(
      'response_done',
      (m) =>
        p.messages.some((t) => t.type === 'tool_result') &&
        m.status === 'completed' &&
        !p.messages.some((t) => t.type === 'tool_call' && t.responseId === m.responseId),
    );
    const pcm = toneThenSilence(600, 800);
    for (let i = 0; i < pcm.length; i += 960) p.socket.send(pcm.slice(i, i + 960));
    await p.next('user_transcript', (m) => m.final);
    expect(p.frames.length).toBeGreaterThan(20);
    expectNoSecret(p.frames);
  });

  it('OpenAI with a wrong key: the person sees the refusal, and the key is still not echoed', async () => {
    fake = await startFakeWsServer({ apiKey: 'sk-the-right-one', pingIntervalMs: false });
    const p = await run({ kind: 'openai', apiKey: KEY, model: 'gpt-realtime', baseUrl: fake.url });
    const error = await p.next('error', (m) => m.source === 'provider' || /key/i.test(m.message));
    expect(error.message).toMatch(/API key/i);
    await p.next('link', (m) => m.state === 'closed' || m.state === 'disconnected');
    expectNoSecret(p.frames);
  });

  it('Azure: the api-key header is used and never forwarded', async () => {
    fake = await startFakeWsServer({ apiKey: KEY, pingIntervalMs: false });
    const endpoint = fake.url.replace(/^ws/, 'http').replace(/\/v1$/, '');
    const p = await run({ kind: 'azure', endpoint, apiKey: KEY, deployment: 'gpt-realtime' });
    expect((await p.next('hello')).provider).toMatchObject({
      kind: 'azure',
      model: 'gpt-realtime',
    });
    await p.next('link', (m) => m.state === 'connected');
    expect(fake.handshakes[0]?.headers['api-key']).toBe(KEY);
    p.sendJson({ type: 'text', text: 'Hi' });
    await p.next('response_done');
    expectNoSecret(p.frames);
  });

  it('Azure preview (beta dialect): a typed turn works on /openai/realtime?api-version=…-preview and the key stays in the server', async () => {
    fake = await startFakeWsServer({ apiKey: KEY, pingIntervalMs: false });
    const endpoint = fake.url.replace(/^ws/, 'http').replace(/\/v1$/, '');
    const p = await run({
      kind: 'azure',
      endpoint,
      apiKey: KEY,
      deployment: 'gpt-4o-realtime-preview',
      apiVersion: '2025-04-01-preview',
      transcriptionDeployment: 'whisper',
    });
    expect((await p.next('hello')).provider).toMatchObject({
      kind: 'azure',
      model: 'gpt-4o-realtime-preview',
    });
    await p.next('link', (m) => m.state === 'connected');
    const handshake = new URL(fake.handshakes[0]?.url ?? '', 'http://localhost');
    expect(handshake.pathname).toBe('/openai/realtime');
    expect(handshake.searchParams.get('api-version')).toBe('2025-04-01-preview');
    expect(handshake.searchParams.get('deployment')).toBe('gpt-4o-realtime-preview');
    expect(fake.handshakes[0]?.headers['api-key']).toBe(KEY);
    // the beta session.updated echo arrived (through the codec) before the turn
    await p.next('log', (m) => m.direction === 'server' && m.eventType === 'session.updated');
    p.sendJson({ type: 'text', text: 'Hello preview' });
    expect((await p.next('user_text')).text).toBe('Hello preview');
    const done = await p.next('response_done');
    expect(done.status).toBe('completed');
    const words = p.messages
      .flatMap((m) =>
        m.type === 'assistant_delta' && m.responseId === done.responseId ? [m.delta] : [],
      )
      .join('');
    expect(words).toBe('You said: Hello preview');
    expect(p.messages.some((m) => m.type === 'audio' && m.responseId === done.responseId)).toBe(
      true,
    );
    // a settings change on the beta dialect: semantic VAD is echoed back
    p.sendJson({
      type: 'settings',
      settings: { turnDetection: { type: 'semantic_vad', eagerness: 'low' } },
    });
    expect((await p.nextNew('settings_applied')).settings.turnDetection).toEqual({
      type: 'semantic_vad',
      eagerness: 'low',
    });
    expect(p.messages.some((m) => m.type === 'error')).toBe(false);
    expectNoSecret(p.frames);
  });
});
