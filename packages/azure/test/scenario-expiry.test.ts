/**
 * Azure's 30-minute limit, end to end over a real socket to the fake server's Azure paths (GA and
 * preview), client and server on one simulated clock. Azure does not say `session_expired` at
 * its limit: it sends a generic server error and closes (protocol.md §5.2 item 5,
 * livekit/agents#2341). The fake's own limit is set far away so that the test plays Azure.
 */
import type { RealtimeResponse } from '@voxwire/core';
import { SimulatedClock, speechThenSilence } from '@voxwire/testing';
import { startFakeWsServer } from '@voxwire/testing/ws';
import { afterEach, describe, expect, it } from 'vitest';
import { withAzure } from '../src/index.js';

const KEY = 'azure-expiry-key-0123456789';
const MINUTE = 60_000;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const AZURE_EXPIRY_ERROR = {
  type: 'server_error',
  code: null,
  message:
    'The server had an error while processing your request. Sorry about that! You can retry your request, or contact us through an Azure support request at: https://go.microsoft.com/fwlink/?linkid=2213926 if you keep seeing this error. (Please include the request ID 00000000-0000-0000-0000-000000000000 in your email.)',
  param: null,
  event_id: null,
};

async function call(preview: boolean, reconnect: { rolloverMarginMs?: number | false }) {
  const clock = new SimulatedClock();
  const fake = await startFakeWsServer({
    apiKey: KEY,
    clock,
    pingIntervalMs: false,
    maxSessionDurationMs: 24 * 60 * MINUTE,
  });
  cleanups.push(() => fake.close());
  const model = withAzure({
    azureDeployment: 'gpt-realtime',
    baseURL: fake.url.replace(/\/v1$/, '/openai'),
    apiKey: KEY,
    apiVersion: preview ? '2025-04-01-preview' : undefined,
    transcriptionDeployment: 'my-whisper',
    env: {},
    clock,
    keepAlive: false,
    random: () => 0,
    reconnect,
  });
  const session = model.session();
  cleanups.push(() => session.close());
  const events: {
    name: string;
    at: number;
    code?: unknown;
    delayMs?: unknown;
    rollover?: unknown;
  }[] = [];
  session.on('error', (e) => events.push({ name: 'error', at: clock.now(), code: e.code }));
  session.on('reconnecting', (e) =>
    events.push({ name: 'reconnecting', at: clock.now(), code: e.cause.code, delayMs: e.delayMs }),
  );
  session.on('reconnected', (e) =>
    events.push({ name: 'reconnected', at: clock.now(), rollover: e.rollover }),
  );
  session.on('closed', () => events.push({ name: 'closed', at: clock.now() }));
  const answers: RealtimeResponse[] = [];
  session.on('response_done', (r) => answers.push(r));
  const step = async (ms: number, every = 20) => {
    for (let t = 0; t < ms; t += every) {
      await clock.advanceAsync(every);
      for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
  const speak = async (words: string) => {
    fake.server.scriptTranscription(words);
    for (const frame of speechThenSilence(600, 800)) {
      session.inputAudioBuffer.append(frame);
      await step(20);
    }
    await step(1_000);
  };
  return { clock, fake, session, events, answers, step, speak };
}

describe.each([
  ['GA', false],
  ['preview', true],
])("Azure's 30-minute limit (%s)", (_name, preview) => {
  it('the engine rolls over before the limit, at the first quiet moment after 25 minutes', async () => {
    const { fake, events, answers, step, speak } = await call(preview, {});
    await speak('hello azure');
    expect(answers.map((r) => r.text)).toEqual(['You said: hello azure']);
    await step(24 * MINUTE, MINUTE);
    expect(events).toEqual([]);
    // finer steps around the rollover, so that the fresh socket's handshake has time to run
    await step(2 * MINUTE, 100);
    expect(events.map((e) => [e.name, e.code, e.rollover])).toEqual([
      ['reconnecting', 'ROLLOVER', undefined],
      ['reconnected', undefined, true],
    ]);
    expect(events[0]!.at).toBeGreaterThanOrEqual(25 * MINUTE);
    expect(events[0]!.at).toBeLessThan(26 * MINUTE);
    expect(fake.handshakes).toHaveLength(2);
    expect(fake.server.conversation.map((i) => i['role'])).toEqual(['user', 'assistant']);
  });

  it("without a rollover, Azure's generic error and close at the limit are an expiry: an immediate reconnect with the conversation, not a fatal error", async () => {
    const { fake, session, events, answers, step, speak } = await call(preview, {
      rolloverMarginMs: false,
    });
    await speak('hello azure');
    await step(30 * MINUTE, MINUTE);
    expect(events).toEqual([]);
    fake.server.emit({ type: 'error', error: AZURE_EXPIRY_ERROR });
    fake.server.close(1011, 'server_error');
    await step(1_000);
    expect(events.map((e) => [e.name, e.code, e.delayMs, e.rollover])).toEqual([
      // the server's error as it came, then the engine's reading of the close
      ['error', null, undefined, undefined],
      ['error', 'SESSION_EXPIRED', undefined, undefined],
      ['reconnecting', 'SESSION_EXPIRED', 0, undefined],
      ['reconnected', undefined, undefined, false],
    ]);
    expect(session.connectionState.status).toBe('open');
    expect(fake.server.conversation.map((i) => i['role'])).toEqual(['user', 'assistant']);
    await speak('still there?');
    expect(answers.map((r) => r.text)).toEqual(['You said: hello azure', 'You said: still there?']);
  });
});
