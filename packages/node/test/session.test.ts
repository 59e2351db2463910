/**
 * End to end over real sockets on 127.0.0.1: core's session → the OpenAI connector → `ws` →
 * testing's fake Realtime server. Waits on events only, never on wall-clock sleeps.
 */
import { RealtimeModel, type RealtimeResponse, type RealtimeSession } from '@voxwire/core';
import {
  createRecorder,
  nextEvent as next,
  SimulatedClock,
  speechThenSilence,
} from '@voxwire/testing';
import { startFakeWsServer, startSilentServer, type FakeWsServer } from '@voxwire/testing/ws';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAIRealtimeModel, openaiConnector } from '../src/index.js';
import { SELF_SIGNED_CERT, SELF_SIGNED_KEY } from './fixtures/self-signed.js';

const KEY = 'sk-proj-E2E-SECRET-9f8e7d6c5b4a';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const EVENTS = [
  'session_updated',
  'error',
  'input_speech_started',
  'input_speech_stopped',
  'input_speech_committed',
  'input_speech_transcription_completed',
  'input_speech_transcription_failed',
  'response_created',
  'response_done',
  'connecting',
  'connected',
  'disconnected',
  'closed',
  'server_event',
] as const;

/** Session update, a text turn, an audio turn with server VAD and a tool call. */
export async function fullSession(session: RealtimeSession, fake: FakeWsServer) {
  await next(session, 'session_updated');
  expect(fake.server.sessionConfig).toMatchObject({ instructions: 'Be brief.' });

  // text turn
  await session.conversation.item.create({ role: 'user', content: 'hello there' });
  const textDone = next(session, 'response_done');
  await session.response.create();
  const textResponse = (await textDone) as RealtimeResponse;
  expect(textResponse.text).toContain('hello there');

  // audio turn: server VAD commits the turn and answers by itself
  fake.server.scriptTranscription('what is new');
  const committed = next(session, 'input_speech_committed');
  const audioDone = next(session, 'response_done');
  for (const frame of speechThenSilence(600, 800)) session.inputAudioBuffer.append(frame);
  await committed;
  const audioResponse = (await audioDone) as RealtimeResponse;
  expect(audioResponse.text).toContain('what is new');

  // tool call: the model calls a function, the app answers it, the model speaks the result
  fake.server.queueResponse((ctx) =>
    ctx.callFunction('get_weather', { city: 'Oslo' }, { callId: 'call_w1' }),
  );
  const callDone = next(session, 'response_done');
  await session.conversation.item.create({ role: 'user', content: 'weather in Oslo?' });
  await session.response.create();
  const callResponse = (await callDone) as RealtimeResponse;
  expect(callResponse.output[0]?.type).toBe('function_call');
  const answerDone = next(session, 'response_done');
  await session.conversation.item.create({
    type: 'function_call_output',
    callId: 'call_w1',
    output: '{"tempC":21}',
  });
  await session.response.create();
  expect(((await answerDone) as RealtimeResponse).text).toContain('21');
}

/**
 * A session at `baseURL` with retries at once, run until it closes: how it ended and how many
 * reconnects it tried first.
 */
async function firstSessionEnd(baseURL: string): Promise<{
  closed: { error?: { code?: string; message?: string; data?: Record<string, unknown> } };
  reconnects: number;
}> {
  const model = createOpenAIRealtimeModel({
    apiKey: KEY,
    baseURL,
    env: {},
    reconnect: { backoff: () => 0 },
  });
  const session = model.session();
  cleanups.push(() => session.close());
  let reconnects = 0;
  session.on('reconnecting', () => reconnects++);
  const closed = (await next(session, 'closed')) as {
    error?: { code?: string; message?: string; data?: Record<string, unknown> };
  };
  return { closed, reconnects };
}

describe('a full session through openaiConnector over a real socket', () => {
  it.each(['ga', 'beta'] as const)(
    '%s: session update, text turn, audio turn with VAD, tool call — and no secret anywhere',
    async (dialect) => {
      // the beta client speaks beta: the fake refuses the header by default, as api.openai.com does
      const fake = await startFakeWsServer({ apiKey: KEY, pingIntervalMs: false, beta: 'accept' });
      cleanups.push(() => fake.close());
      const { seen, logger, tap } = createRecorder();
      const model = createOpenAIRealtimeModel({
        apiKey: KEY,
        baseURL: fake.url,
        dialect,
        env: {},
        logger,
        instructions: 'Be brief.',
      });
      const session = model.session();
      tap(session, EVENTS);
      cleanups.push(() => session.close());
      await fullSession(session, fake);

      expect(fake.handshakes).toHaveLength(1);
      const hs = fake.handshakes[0]!;
      expect(hs.url).toBe('/v1/realtime?model=gpt-realtime');
      expect(hs.headers['authorization']).toBe(`Bearer ${KEY}`);
      expect(hs.headers['openai-beta']).toBe(dialect === 'beta' ? 'realtime=v1' : undefined);
      expect(hs.subprotocols).toEqual([]);

      const closed = next(session, 'closed');
      await session.close();
      await closed;
      const dump = JSON.stringify(seen, (_k, v: unknown) =>
        v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v,
      );
      expect(seen.length).toBeGreaterThan(20);
      expect(dump).not.toContain(KEY);
    },
  );

  it('a bad key is one typed fatal error and one handshake: no retry storm, no secret', async () => {
    const fake = await startFakeWsServer({
      apiKey: 'sk-the-right-key-000000',
      pingIntervalMs: false,
    });
    cleanups.push(() => fake.close());
    const { seen, logger, tap } = createRecorder();
    const model = createOpenAIRealtimeModel({ apiKey: KEY, baseURL: fake.url, env: {}, logger });
    const session = model.session();
    tap(session, EVENTS);
    const closed = (await next(session, 'closed')) as { error?: { code?: string } };
    expect(closed.error).toBeDefined();
    const errors = seen
      .filter((s) => (s as { event?: string }).event === 'error')
      .map((s) => (s as { args: unknown[] }).args[0]);
    expect(
      errors.some((e) =>
        /AUTH_FAILED|invalid_api_key/.test(
          JSON.stringify({ code: (e as { code?: unknown }).code }),
        ),
      ),
    ).toBe(true);
    expect(fake.handshakes).toHaveLength(1);
    const dump = JSON.stringify(seen, (_k, v: unknown) =>
      v instanceof Error ? { name: v.name, message: v.message } : v,
    );
    expect(dump).not.toContain(KEY);
  });
});

describe('a key function that fails for a moment', () => {
  it('is retried like a network error: a drop met by a vault outage reconnects once the vault answers', async () => {
    // the network blip that dropped the socket often takes the key vault (or the Entra token
    // endpoint) down with it: the reconnect's key lookup fails, and the next one succeeds
    const fake = await startFakeWsServer({ apiKey: KEY, pingIntervalMs: false });
    cleanups.push(() => fake.close());
    let calls = 0;
    const apiKey = () => {
      calls++;
      if (calls === 2) throw new Error('vault unreachable');
      return KEY;
    };
    const model = createOpenAIRealtimeModel({
      apiKey,
      baseURL: fake.url,
      env: {},
      reconnect: { backoff: () => 0 },
    });
    // the first connection drops right after session.created and session.updated
    fake.server.faults.closeAfterEvents(2);
    const session = model.session();
    cleanups.push(() => session.close());
    session.once('disconnected', () => fake.server.faults.clear());
    const causes: unknown[] = [];
    session.on('reconnecting', ({ cause }) => causes.push(cause));
    const outcome = await Promise.race([
      next(session, 'reconnected').then(() => 'reconnected'),
      next(session, 'closed').then((e) => e),
    ]);
    expect(outcome).toBe('reconnected');
    expect(calls).toBe(3);
    // the failed lookup is reported as a failed connect that names the credential
    expect(causes[1]).toMatchObject({
      code: 'CONNECT_FAILED',
      data: { transportCode: 'CREDENTIAL_FAILED' },
    });
  });
});

describe('a server whose TLS certificate does not verify', () => {
  it('ends the session at once with the certificate named, without reconnecting', async () => {
    const server = createHttpsServer({ key: SELF_SIGNED_KEY, cert: SELF_SIGNED_CERT });
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const { port } = server.address() as AddressInfo;
    const { closed, reconnects } = await firstSessionEnd(`https://127.0.0.1:${port}/v1`);
    expect(reconnects).toBe(0);
    expect(closed.error).toMatchObject({
      code: 'CONNECT_FAILED',
      data: { transportCode: 'TLS_CERTIFICATE_INVALID' },
    });
    expect(closed.error?.message).toContain('NODE_EXTRA_CA_CERTS');
    expect(closed.error?.message).not.toContain(KEY);
  });
});

describe("the transport's own connect timeout", () => {
  it('reaches the app as CONNECT_TIMEOUT with its timeoutMs, as core reports its own', async () => {
    const server = await startSilentServer();
    cleanups.push(() => server.close());
    const clock = new SimulatedClock();
    // the connector's handshake timeout is shorter than the session's: the transport's fires first
    const connector = openaiConnector({
      apiKey: KEY,
      baseURL: server.url.replace('/realtime', ''),
      env: {},
      clock,
      connectTimeoutMs: 1000,
    });
    const model = new RealtimeModel({ connector, clock, reconnect: { maxAttempts: 0 } });
    const session = model.session();
    cleanups.push(() => session.close());
    const closed = next(session, 'closed') as Promise<{ error?: unknown }>;
    await server.connected();
    clock.advance(1000);
    const { error } = await closed;
    expect(error).toMatchObject({
      code: 'CONNECT_TIMEOUT',
      data: { timeoutMs: 1000, transportCode: 'CONNECT_TIMEOUT' },
    });
  });
});

describe('a wss: URL pointed at a plain ws: port (a local fake server)', () => {
  it('ends the session at once, naming the mistake, without reconnecting', async () => {
    const fake = await startFakeWsServer({ apiKey: KEY, pingIntervalMs: false });
    cleanups.push(() => fake.close());
    const { closed, reconnects } = await firstSessionEnd(
      fake.url.replace(/^ws:/, 'wss:').replace('/realtime', ''),
    );
    expect(reconnects).toBe(0);
    expect(closed.error).toMatchObject({
      code: 'CONNECT_FAILED',
      data: { transportCode: 'NOT_TLS' },
    });
    expect(closed.error?.message).toContain('does not speak TLS');
    expect(closed.error?.message).toContain('ws://');
    expect(fake.handshakes).toHaveLength(0);
  });
});
