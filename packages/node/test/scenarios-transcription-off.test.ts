/**
 * A voice agent that saves the transcription's cost (`inputAudioTranscription: null`), over a real
 * loopback socket to the fake server, both on one simulated clock: 48 kHz microphone frames,
 * server VAD, two questions answered, then the network drops. After the reconnect the fresh
 * server holds both questions again, as the audio they were (no transcript exists to restore them
 * as), before their answers; the next answer is given with the whole conversation in view.
 * Waits are on socket events (a few event loop turns per clock step), never on wall time.
 */
import { SimulatedClock, speechThenSilence } from '@voxwire/testing';
import { startFakeWsServer } from '@voxwire/testing/ws';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAIRealtimeModel } from '../src/index.js';
import {
  type Cleanups,
  io,
  loopbackModelOptions,
  pumpUntil,
  recordUnhandledRejections,
} from './scenario-helpers.js';

const KEY = 'sk-proj-SCENARIO-notranscript-0000';
const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The ms of 24 kHz PCM16 in a base64 string. */
function pcmMs(base64: unknown): number {
  return typeof base64 === 'string'
    ? (Buffer.from(base64, 'base64').length / 2 / 24_000) * 1000
    : 0;
}

describe('server VAD with input transcription off, and a network drop', () => {
  it('the questions are restored as their audio, before their answers', async () => {
    const clock = new SimulatedClock();
    const fake = await startFakeWsServer({
      apiKey: KEY,
      clock,
      pingIntervalMs: false,
      // the model counts the questions it holds: what a drop without them would make it forget
      behaviour: (ctx) => {
        const questions = ctx.input.filter((i) => i['role'] === 'user').length;
        ctx.say(`I hold ${questions} question${questions === 1 ? '' : 's'}.`);
      },
    });
    cleanups.push(() => fake.close());
    const unhandled = recordUnhandledRejections(cleanups);
    const model = createOpenAIRealtimeModel({
      ...loopbackModelOptions(fake, KEY, clock),
      reconnect: { backoff: () => 0 },
      modalities: ['text'],
      inputAudioTranscription: null,
      turnDetection: { type: 'server_vad', silenceDurationMs: 200 },
    });
    const session = model.session();
    cleanups.push(() => model.close());
    const answers: string[] = [];
    session.on('response_done', (r) => answers.push(r.text));
    const committed: string[] = [];
    session.on('input_speech_committed', (e) => committed.push(e.itemId));
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e.code));
    let reconnected = false;
    session.on('reconnected', () => (reconnected = true));

    const pump = (until: () => boolean) => pumpUntil(clock, until);
    /** Speaks `ms` of 48 kHz tone and 400 ms of silence, in real time. */
    const speak = async (ms: number) => {
      for (const frame of speechThenSilence(ms, 400, { sampleRate: 48_000, frameMs: 20 })) {
        session.inputAudioBuffer.append(frame);
        await clock.advanceAsync(20);
        await io(2);
      }
    };

    expect(await pump(() => fake.server.sessionConfig !== undefined)).toBe(true);
    await speak(600);
    expect(await pump(() => answers.length === 1)).toBe(true);
    await speak(800);
    expect(await pump(() => answers.length === 2)).toBe(true);
    expect(answers).toEqual(['I hold 1 question.', 'I hold 2 questions.']);
    const before = fake.server.conversation.map((i) => i['id']);
    expect(before).toHaveLength(4);

    fake.server.close(1006);
    expect(await pump(() => reconnected)).toBe(true);
    expect(errors).toEqual(['SOCKET_CLOSED']);
    // the fresh server holds the conversation as it was, the questions as their audio
    const restored = fake.server.conversation;
    expect(restored.map((i) => i['id'])).toEqual(before);
    const creates = fake.server.current!.clientEvents.filter(
      (e) => e['type'] === 'conversation.item.create',
    );
    const asAudio = creates
      .map((e) => e['item'] as { id: string; content: { type: string; audio?: unknown }[] })
      .filter((item) => item.content[0]?.type === 'input_audio');
    expect(asAudio.map((item) => item.id)).toEqual([committed[0], committed[1]]);
    // each question whole: its speech (and the VAD's prefix padding and silence around it)
    expect(pcmMs(asAudio[0]!.content[0]!.audio)).toBeGreaterThanOrEqual(600);
    expect(pcmMs(asAudio[1]!.content[0]!.audio)).toBeGreaterThanOrEqual(800);

    // the next question is answered with both earlier ones in view
    await speak(500);
    expect(await pump(() => answers.length === 3)).toBe(true);
    expect(answers[2]).toBe('I hold 3 questions.');
    expect(unhandled).toEqual([]);
  });
});
