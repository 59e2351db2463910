/**
 * Audio of the cancelled response already on its way when the user barges in: the server goes
 * on generating until the `response.cancel` reaches it, and the deltas it sent meanwhile arrive
 * after `interrupt()`. An app that plays every `response_audio` frame (the README's recipe, a
 * phone bridge forwarding each frame) would play them into the speaker it has just cleared, over
 * the user. They are still counted on the content (what was received), but not handed over. So
 * are the text and transcript deltas that come with them: captions follow what was heard, and
 * would otherwise show words the speaker never played; `content.text` keeps the whole record.
 */
import { describe, expect, it } from 'vitest';
import type { AudioFrame } from '@voxwire/protocol';
import { SAID } from './interrupt-helpers.js';
import { DIALECTS, openSession, setup } from './helpers.js';

describe.each(DIALECTS)('audio of a cancelled response after interrupt() (%s)', (dialect) => {
  it('is not handed to response_audio nor to audioStream', async () => {
    const s = setup(dialect, { random: () => 0 }, { pacing: { realtimeFactor: 1 } });
    const session = await openSession(s, { turnDetection: null });
    let interrupted = false;
    let handed = 0;
    session.on('response_audio', () => {
      if (interrupted) handed++;
    });
    s.server.queueResponse((ctx) => ctx.say(SAID));
    // the 4th delta and those after it are on the wire when the user barges in
    s.server.faults.stallAt('response.output_audio.delta', 4);
    const answer = await session.response.generate();
    await s.clock.advanceAsync(500);
    const content = answer.output[0]!.content[0]!;
    const streamed: AudioFrame[] = [];
    const reading = (async () => {
      for await (const frame of content.audioStream) if (interrupted) streamed.push(frame);
    })();
    await s.settle();
    const before = content.audioDurationMs;
    expect(before).toBe(300);
    session.playback.played(content, 300);
    interrupted = true;
    const result = session.interrupt();
    s.server.faults.release();
    await s.clock.advanceAsync(5000);
    await reading;
    expect((await result).cancelledResponseId).toBe(answer.id);
    expect(answer.status).toBe('cancelled');
    // what the server sent is received and counted, but not handed over to be played
    expect(content.audioDurationMs).toBeGreaterThan(before);
    expect(handed).toBe(0);
    expect(streamed).toEqual([]);
    await session.close();
  });

  it('its transcript deltas are not handed to response_text nor to textStream; content.text still grows', async () => {
    const s = setup(dialect, { random: () => 0 }, { pacing: { realtimeFactor: 1 } });
    const session = await openSession(s, { turnDetection: null });
    let interrupted = false;
    const handed: string[] = [];
    session.on('response_text', (delta) => {
      if (interrupted) handed.push(delta);
    });
    s.server.queueResponse((ctx) => ctx.say(SAID));
    // the 4th transcript delta and what follows it are on the wire when the user barges in
    s.server.faults.stallAt('response.output_audio_transcript.delta', 4);
    const answer = await session.response.generate();
    await s.clock.advanceAsync(500);
    const content = answer.output[0]!.content[0]!;
    const streamed: string[] = [];
    const reading = (async () => {
      for await (const delta of content.textStream) if (interrupted) streamed.push(delta);
    })();
    await s.settle();
    const before = content.text;
    expect(before).toBe('one t');
    session.playback.played(content, 180);
    interrupted = true;
    const result = session.interrupt();
    s.server.faults.release();
    await s.clock.advanceAsync(5000);
    await reading;
    expect((await result).cancelledResponseId).toBe(answer.id);
    expect(answer.status).toBe('cancelled');
    // the record grows with what the server sent; nothing of it is shown as a caption
    expect(content.text.length).toBeGreaterThan(before.length);
    expect(content.text.startsWith(before)).toBe(true);
    expect(handed).toEqual([]);
    expect(streamed).toEqual([]);
    await session.close();
  });

  it('a text answer is still handed over: no audio to follow, and the server keeps its text', async () => {
    const s = setup(dialect, { random: () => 0 }, { pacing: { textDeltaIntervalMs: 30 } });
    const session = await openSession(s, { turnDetection: null });
    let interrupted = false;
    const handed: string[] = [];
    session.on('response_text', (delta) => {
      if (interrupted) handed.push(delta);
    });
    s.server.queueResponse((ctx) => ctx.text(SAID));
    s.server.faults.stallAt('response.output_text.delta', 4);
    const answer = await session.response.generate({
      response: { output_modalities: ['text'] },
    });
    await s.clock.advanceAsync(500);
    const content = answer.output[0]!.content[0]!;
    const before = content.text;
    interrupted = true;
    const result = session.interrupt({ at: null });
    s.server.faults.release();
    await s.clock.advanceAsync(5000);
    expect((await result).cancelledResponseId).toBe(answer.id);
    // a text part cannot be truncated: what the server generated stays in the conversation,
    // and is shown
    expect(content.text).toBe(SAID);
    expect(handed.length).toBeGreaterThan(0);
    expect(before + handed.join('')).toBe(SAID);
    await session.close();
  });
});
