/**
 * End to end over real sockets on 127.0.0.1: core's session → withAzure's connector → `ws` →
 * testing's fake server on its Azure paths. Waits on events only.
 */
import type { RealtimeResponse, RealtimeSession } from '@voxwire/core';
import {
  createRecorder,
  nextEvent as next,
  runTransportContract,
  speechThenSilence,
} from '@voxwire/testing';
import { startFakeWsServer, type FakeWsServer } from '@voxwire/testing/ws';
import { afterEach, describe, expect, it } from 'vitest';
import { azureConnector, withAzure } from '../src/index.js';

const KEY = 'azure-e2e-key-5f4e3d2c1b0a';
const TOKEN = 'entra-e2e-token-0a1b2c3d4e5f';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const EVENTS = [
  'session_updated',
  'error',
  'input_speech_started',
  'input_speech_committed',
  'response_created',
  'response_done',
  'connected',
  'disconnected',
  'closed',
  'server_event',
] as const;

async function fullSession(session: RealtimeSession, fake: FakeWsServer) {
  await next(session, 'session_updated');
  await session.conversation.item.create({ role: 'user', content: 'hello azure' });
  const textDone = next(session, 'response_done');
  await session.response.create();
  expect(((await textDone) as RealtimeResponse).text).toContain('hello azure');

  fake.server.scriptTranscription('what is new');
  const committed = next(session, 'input_speech_committed');
  const audioDone = next(session, 'response_done');
  for (const frame of speechThenSilence(600, 800)) session.inputAudioBuffer.append(frame);
  await committed;
  expect(((await audioDone) as RealtimeResponse).text).toContain('what is new');

  fake.server.queueResponse((ctx) =>
    ctx.callFunction('get_weather', { city: 'Oslo' }, { callId: 'call_a1' }),
  );
  const callDone = next(session, 'response_done');
  await session.conversation.item.create({ role: 'user', content: 'weather in Oslo?' });
  await session.response.create();
  expect(((await callDone) as RealtimeResponse).output[0]?.type).toBe('function_call');
  const answerDone = next(session, 'response_done');
  await session.conversation.item.create({
    type: 'function_call_output',
    callId: 'call_a1',
    output: '{"tempC":21}',
  });
  await session.response.create();
  expect(((await answerDone) as RealtimeResponse).text).toContain('21');
}

describe('a full session through withAzure over a real socket', () => {
  it('GA form with an api-key: URL, headers, Azure defaults on the wire, and no secret anywhere', async () => {
    const fake = await startFakeWsServer({ apiKey: KEY, pingIntervalMs: false });
    cleanups.push(() => fake.close());
    const { seen, logger, tap } = createRecorder();
    const model = withAzure({
      azureDeployment: 'gpt-realtime',
      baseURL: fake.url.replace(/\/v1$/, '/openai'),
      apiKey: KEY,
      transcriptionDeployment: 'my-whisper',
      env: {},
      logger,
    });
    const session = model.session();
    tap(session, EVENTS);
    cleanups.push(() => session.close());
    await fullSession(session, fake);

    const hs = fake.handshakes[0]!;
    expect(hs.url).toBe('/openai/v1/realtime?model=gpt-realtime');
    expect(hs.headers['api-key']).toBe(KEY);
    expect(hs.headers['authorization']).toBeUndefined();
    expect(hs.headers['openai-beta']).toBeUndefined();

    // difference 6 and 4: Azure's turn detection (no interrupt_response) and the transcription deployment
    const update = fake.server.clientEvents.find((e) => e['type'] === 'session.update') as {
      session: { audio: { input: Record<string, unknown> } };
    };
    expect(update.session.audio.input['turn_detection']).toEqual({
      type: 'server_vad',
      threshold: 0.5,
      prefix_padding_ms: 300,
      silence_duration_ms: 200,
      create_response: true,
    });
    expect(update.session.audio.input['transcription']).toMatchObject({ model: 'my-whisper' });
    // difference 2: no response.create carries output_modalities
    for (const e of fake.server.clientEvents.filter((x) => x['type'] === 'response.create')) {
      expect(
        (e['response'] as Record<string, unknown> | undefined)?.['output_modalities'],
      ).toBeUndefined();
    }

    await session.close();
    const dump = JSON.stringify(seen, (_k, v: unknown) =>
      v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v,
    );
    expect(seen.length).toBeGreaterThan(20);
    expect(dump).not.toContain(KEY);
  });

  it('preview form with a token provider: beta dialect, Bearer token fetched on every connect', async () => {
    const fake = await startFakeWsServer({ pingIntervalMs: false });
    cleanups.push(() => fake.close());
    const { seen, logger, tap } = createRecorder();
    let calls = 0;
    const model = withAzure({
      azureDeployment: 'gpt-4o-realtime-preview',
      baseURL: fake.url.replace(/\/v1$/, '/openai'),
      apiVersion: '2025-04-01-preview',
      tokenProvider: async () => `${TOKEN}-${++calls}`,
      env: {},
      logger,
    });
    const session = model.session();
    tap(session, EVENTS);
    cleanups.push(() => session.close());
    await fullSession(session, fake);
    const hs = fake.handshakes[0]!;
    expect(hs.url).toBe(
      '/openai/realtime?api-version=2025-04-01-preview&deployment=gpt-4o-realtime-preview',
    );
    expect(hs.headers['authorization']).toBe(`Bearer ${TOKEN}-1`);
    await session.close();

    const second = model.session();
    await next(second, 'session_updated');
    await second.close();
    expect(calls).toBe(2);
    expect(fake.handshakes[1]!.headers['authorization']).toBe(`Bearer ${TOKEN}-2`);
    const dump = JSON.stringify(seen, (_k, v: unknown) =>
      v instanceof Error ? { name: v.name, message: v.message } : v,
    );
    expect(dump).not.toContain(TOKEN);
  });
});

runTransportContract(
  'azureConnector transports against the fake ws server (Azure GA path)',
  async () => {
    const fake = await startFakeWsServer({ apiKey: KEY, pingIntervalMs: false });
    const connection = await azureConnector({
      azureDeployment: 'd',
      baseURL: fake.url.replace(/\/v1$/, '/openai'),
      apiKey: KEY,
      env: {},
    })({
      attempt: 0,
      signal: new AbortController().signal,
    });
    return { transport: connection.transport, server: fake.server, dispose: () => fake.close() };
  },
  { describe, it },
);
