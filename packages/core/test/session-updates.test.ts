/**
 * Session updates while the model speaks: a refused update leaves the session as the server
 * has it, and a running answer keeps the audio format it started in.
 */
import type { AudioFrame } from '@voxwire/protocol';
import { synthesizeSpeech } from '@voxwire/testing';
import { describe, expect, it } from 'vitest';
import { ServerError } from '../src/errors.js';
import { DIALECTS, openSession, outcome, setup } from './helpers.js';

describe.each(DIALECTS)('session updates around responses (%s)', (dialect) => {
  it('a refused voice change leaves the session usable: the options keep the voice the server has, and later updates apply', async () => {
    const s = setup(dialect);
    s.server.queueResponse((ctx) => ctx.say('Hello there.'));
    const session = await openSession(s, { voice: 'alloy' });
    const [response] = await Promise.all([session.response.generate(), s.settle()]);
    await response.done;
    // the model has spoken: a voice change is refused (protocol.md §7.2)
    const refused = outcome(session.sessionUpdate({ voice: 'verse' }));
    await s.settle();
    expect(refused.error).toBeInstanceOf(ServerError);
    expect((refused.error as ServerError).code).toBe('cannot_update_voice');
    expect(session.options.voice).toBe('alloy');
    // an unrelated update afterwards goes through, and so does a change of tools
    const later = outcome(session.sessionUpdate({ instructions: 'Be terse.' }));
    await s.settle();
    expect(later.error).toBeUndefined();
    expect(s.server.sessionConfig?.['instructions']).toBe('Be terse.');
    await session.close();
  });

  it('a model change is refused at once: the connector picks the model for the whole session', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const update = session.sessionUpdate({ model: 'gpt-realtime-mini' } as never);
    await expect(update).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      data: { argument: 'model' },
    });
    expect(s.server.clientEvents.filter((e) => e['type'] === 'session.update')).toHaveLength(1);
    await session.close();
  });

  it('a voice change while the answer already streams audio is refused', async () => {
    const s = setup(dialect, {}, { pacing: { realtimeFactor: 1 } });
    s.server.queueResponse((ctx) => ctx.say('A long answer that takes a few seconds to speak.'));
    const session = await openSession(s, { voice: 'alloy' });
    const generated = outcome(session.response.generate());
    await s.clock.advanceAsync(500);
    const response = generated.value!;
    expect(response.output[0]!.content[0]!.audioDurationMs).toBeGreaterThan(0);
    expect(response.isDone).toBe(false);
    const update = outcome(session.sessionUpdate({ voice: 'verse' }));
    await s.clock.advanceAsync(10);
    expect((update.error as ServerError | undefined)?.code).toBe('cannot_update_voice');
    expect(session.options.voice).toBe('alloy');
    await s.clock.advanceAsync(10_000);
    await session.close();
  });

  it('a running answer keeps decoding in the format it started with when the output format changes', async () => {
    const s = setup(dialect, {}, { pacing: { realtimeFactor: 1 } });
    const text = 'An answer long enough to span the update.';
    s.server.queueResponse((ctx) => ctx.say(text));
    const session = await openSession(s, { outputAudioFormat: 'pcm16' });
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    const frames: AudioFrame[] = [];
    session.on('response_audio', (frame) => frames.push(frame));
    const generated = outcome(session.response.generate());
    await s.clock.advanceAsync(500);
    const update = outcome(session.sessionUpdate({ outputAudioFormat: 'g711_ulaw' }));
    await s.clock.advanceAsync(10_000);
    expect(update.error).toBeUndefined();
    expect(generated.value!.status).toBe('completed');
    const expected = synthesizeSpeech(text);
    expect(frames.every((f) => f.sampleRate === 24_000)).toBe(true);
    const received = new Int16Array(frames.reduce((n, f) => n + f.data.length, 0));
    let offset = 0;
    for (const f of frames) {
      received.set(f.data, offset);
      offset += f.data.length;
    }
    expect(received).toEqual(expected);
    expect(errors).toEqual([]);
    await session.close();
  });
});
