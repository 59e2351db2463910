/**
 * protocol.md §0.4, §7.4, §7.6: the live GA server adds an `obfuscation` key to its text deltas
 * (output text, output audio transcript, input transcription). A client whose decoding rejects
 * unknown keys passes against a fake that leaves it out and fails in production.
 */
import { describe, expect, it } from 'vitest';
import { tone } from '../src/index.js';
import { connect } from './helpers.js';

const OBFUSCATED = [
  'response.output_text.delta',
  'response.output_audio_transcript.delta',
  'conversation.item.input_audio_transcription.delta',
];

// the wire frames (not the decoded events) of the obfuscated types
function deltaFrames(frames: readonly (string | Uint8Array)[]): Record<string, unknown>[] {
  return frames
    .filter((f): f is string => typeof f === 'string')
    .map((f) => JSON.parse(f) as Record<string, unknown>)
    .filter((e) =>
      [
        ...OBFUSCATED,
        'response.text.delta',
        'response.audio_transcript.delta',
        'response.output_audio.delta',
        'response.audio.delta',
        'response.function_call_arguments.delta',
      ].includes(String(e['type'])),
    );
}

async function everyDelta(dialect: 'ga' | 'beta') {
  const c = await connect({ dialect });
  c.send({
    type: 'session.update',
    session: {
      type: 'realtime',
      audio: { input: { turn_detection: null, transcription: { model: 'gpt-4o-transcribe' } } },
    },
  });
  c.server.scriptTranscription('turn on the lights');
  c.appendAudio(tone(300));
  c.send({ type: 'input_audio_buffer.commit' });
  c.server.queueResponse((ctx) => ctx.say('Lights are on now'));
  c.send({ type: 'response.create' });
  await c.flush();
  c.server.queueResponse((ctx) => ctx.text('Done and done'));
  c.send({ type: 'response.create', response: { output_modalities: ['text'] } });
  await c.flush();
  c.server.queueResponse((ctx) => ctx.callFunction('lights', { on: true }));
  c.send({ type: 'response.create' });
  await c.flush();
  return c;
}

describe('delta obfuscation', () => {
  it('GA: text, transcript and input-transcription deltas carry a string obfuscation key', async () => {
    const c = await everyDelta('ga');
    const frames = deltaFrames(c.frames);
    for (const type of OBFUSCATED) {
      const ofType = frames.filter((e) => e['type'] === type);
      expect(ofType.length, type).toBeGreaterThan(0);
      for (const e of ofType) expect(e['obfuscation'], type).toMatch(/^[A-Za-z0-9]+$/);
    }
    // no capture shows it on audio or function-call deltas: the fake does not invent it there
    for (const e of frames.filter((f) => !OBFUSCATED.includes(String(f['type']))))
      expect(e, String(e['type'])).not.toHaveProperty('obfuscation');
    // the decoded events keep the delta itself intact
    const text = c.events.filter((e) => e.type === 'response.output_text.delta');
    expect(text.map((e) => e['delta']).join('')).toBe('Done and done');
    c.server.assertComplete();
  });

  it('GA: the same run gives the same obfuscation (deterministic)', async () => {
    const a = deltaFrames((await everyDelta('ga')).frames).map((e) => e['obfuscation']);
    const b = deltaFrames((await everyDelta('ga')).frames).map((e) => e['obfuscation']);
    expect(a).toEqual(b);
  });

  it('beta: no delta carries obfuscation (no beta capture shows it)', async () => {
    const c = await everyDelta('beta');
    const frames = deltaFrames(c.frames);
    expect(frames.length).toBeGreaterThan(0);
    for (const e of frames) expect(e, String(e['type'])).not.toHaveProperty('obfuscation');
  });

  it('GA: server.emit sends a scripted delta as given (no obfuscation added)', async () => {
    const c = await connect();
    c.server.emit({
      type: 'response.output_text.delta',
      response_id: 'resp_x',
      item_id: 'it_a',
      output_index: 0,
      content_index: 0,
      delta: 'hi',
    });
    await c.flush();
    const [frame] = deltaFrames(c.frames);
    expect(frame).toMatchObject({ delta: 'hi' });
    expect(frame).not.toHaveProperty('obfuscation');
  });
});
