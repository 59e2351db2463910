/**
 * A client no one here wrote: the official `openai` package's OpenAIRealtimeWS, unchanged,
 * against the ws mode served over TLS (it always builds wss:// URLs) with a test certificate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { pcm16ToBase64 } from '@voxwire/protocol';
import { tone } from '../src/index.js';
import { startFakeWsServer, type FakeWsServer } from '../src/ws/index.js';
import { testCertificate } from './ws-helpers.js';

let s: FakeWsServer;
let cert: { key: string; cert: string };
beforeAll(async () => {
  cert = testCertificate();
  s = await startFakeWsServer({ tls: cert, apiKey: 'sk-test', pingIntervalMs: false });
});
afterAll(() => s.close());

async function open(): Promise<{
  rt: OpenAIRealtimeWS;
  events: any[];
  until: (type: string) => Promise<any>;
}> {
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: s.url.replace('wss://', 'https://') });
  const rt = new OpenAIRealtimeWS({ model: 'gpt-realtime', options: { ca: cert.cert } }, client);
  const events: any[] = [];
  const waiters: { type: string; resolve: (e: any) => void }[] = [];
  rt.on('event', (e) => {
    events.push(e);
    for (const w of waiters.filter((x) => x.type === e.type)) w.resolve(e);
  });
  rt.on('error', (e) => events.push({ type: '__error', e }));
  // each call returns the next not-yet-returned event of that type (it may have arrived already)
  const taken = new Map<string, number>();
  const until = (type: string) => {
    const n = taken.get(type) ?? 0;
    taken.set(type, n + 1);
    const already = events.filter((e) => e.type === type)[n];
    if (already) return Promise.resolve(already);
    return new Promise<any>((resolve) =>
      waiters.push({
        type,
        resolve: (e) => (events.filter((x) => x.type === type)[n] === e ? resolve(e) : undefined),
      }),
    );
  };
  await until('session.created');
  return { rt, events, until };
}

describe('official openai OpenAIRealtimeWS against the ws fake (TLS)', () => {
  it('holds a text turn', async () => {
    s.server.queueResponse((ctx) => ctx.text('Hello from the fake'));
    const { rt, events, until } = await open();
    rt.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['text'] } });
    rt.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] },
    });
    rt.send({ type: 'response.create' });
    const done = await until('response.done');
    expect(done.response.status).toBe('completed');
    expect(
      events
        .filter((e) => e.type === 'response.output_text.delta')
        .map((e) => e.delta)
        .join(''),
    ).toBe('Hello from the fake');
    expect(events.some((e) => e.type === '__error')).toBe(false);
    rt.close();
  });

  it('holds an audio turn with server VAD', async () => {
    s.server.scriptTranscription('what time is it');
    const { rt, events, until } = await open();
    const pcm = new Int16Array(24 * 1000);
    pcm.set(tone(400), 24 * 100);
    rt.send({ type: 'input_audio_buffer.append', audio: pcm16ToBase64(pcm) });
    const stopped = await until('input_audio_buffer.speech_stopped');
    expect(stopped.audio_end_ms).toBe(700);
    const done = await until('response.done');
    expect(done.response.output[0].content[0]).toMatchObject({
      type: 'output_audio',
      transcript: 'You said: what time is it',
    });
    expect(events.some((e) => e.type === 'response.output_audio.delta')).toBe(true);
    rt.close();
  });

  it('holds a function-call turn', async () => {
    const { rt, events, until } = await open();
    rt.send({
      type: 'session.update',
      session: {
        type: 'realtime',
        tools: [
          {
            type: 'function',
            name: 'get_weather',
            description: 'Weather for a city',
            parameters: { type: 'object', properties: { location: { type: 'string' } } },
          },
        ],
      },
    });
    rt.send({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'What is the weather in Rome?' }],
      },
    });
    rt.send({ type: 'response.create' });
    const args = await until('response.function_call_arguments.done');
    expect(JSON.parse(args.arguments)).toEqual({ location: 'Rome' });
    await until('response.done');
    rt.send({
      type: 'conversation.item.create',
      item: { type: 'function_call_output', call_id: args.call_id, output: '{"sky":"clear"}' },
    });
    rt.send({ type: 'response.create' });
    const done = await until('response.done');
    expect(done.response.output[0].content[0].transcript).toContain('sky clear');
    expect(events.some((e) => e.type === '__error')).toBe(false);
    rt.close();
  });
});
