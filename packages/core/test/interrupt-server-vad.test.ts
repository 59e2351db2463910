/**
 * Barge-in end to end against the fake server's VAD, as an app tests it (core README,
 * "Barge-in"): the user speaks over an answer that is playing, the server cancels it
 * (`turn_detected`), the app cuts the answer at what its speaker played with
 * `interrupt({ cancel: false })`, the server accepts the truncate and drops the transcript,
 * and the user's turn is answered.
 */
import { describe, expect, it } from 'vitest';
import { createFakeServer, SimulatedClock, speechThenSilence } from '@voxwire/testing';
import type { InterruptResult } from '../src/index.js';
import { RealtimeModel } from '../src/model.js';
import type { RealtimeResponse } from '../src/index.js';
import { DIALECTS } from './helpers.js';

// 48 characters: the fake speaks 60 ms per character, 2880 ms of audio
const SAID = 'one two three four five six seven eight nine ten';

describe.each(DIALECTS)('barge-in over server VAD (%s)', (dialect) => {
  it('turn_detected cancel, then interrupt({ cancel: false }) cuts the answer at what was played', async () => {
    const clock = new SimulatedClock({ microtaskRounds: 400 });
    // the answer streams in real time, as the speaker plays it
    const { connector, server } = createFakeServer({
      clock,
      dialect,
      pacing: { realtimeFactor: 1 },
    });
    server.scriptTranscription('tell me a story', 'stop');
    server.queueResponse((ctx) => ctx.say(SAID));
    server.queueResponse((ctx) => ctx.say('Sure.'));
    const session = new RealtimeModel({ connector, clock }).session();
    const errors: unknown[] = [];
    const done: RealtimeResponse[] = [];
    session.on('error', (e) => errors.push(e));
    // the speaker plays each frame as it arrives, and says so
    let playedMs = 0;
    session.on('response_audio', (frame, content) => {
      session.playback.played(content, frame);
      if (done.length === 0) playedMs += (frame.data.length * 1000) / frame.sampleRate;
    });
    let interrupted: Promise<InterruptResult> | undefined;
    session.on('response_done', (response) => {
      done.push(response);
      // the server already cancelled: the app only cuts what was not heard
      if (response.statusDetails?.type === 'cancelled')
        interrupted = session.interrupt({ cancel: false });
    });
    await clock.advanceAsync(0);

    for (const frame of speechThenSilence(600, 800)) session.inputAudioBuffer.append(frame);
    await clock.advanceAsync(1_000); // about a second of the answer played
    for (const frame of speechThenSilence(600, 800)) session.inputAudioBuffer.append(frame);
    await clock.advanceAsync(10_000);

    expect(done.map((r) => [r.status, r.statusDetails])).toEqual([
      ['cancelled', { type: 'cancelled', reason: 'turn_detected' }],
      ['completed', null],
    ]);
    const answer = done[0]!.output[0]!.content[0]!;
    // the frames of 100 ms that had arrived (the last at 1000 ms), less than the whole answer
    expect(playedMs).toBe(1100);
    expect(await interrupted).toEqual({
      cancelledResponseId: undefined,
      truncated: { itemId: answer.itemId, contentIndex: 0, audioEndMs: playedMs, deleted: false },
      deletedItemIds: [],
    });
    const sent = server.clientEvents.map((e) => e['type']);
    expect(sent).not.toContain('response.cancel');
    expect(server.clientEvents.filter((e) => e['type'] === 'conversation.item.truncate')).toEqual([
      expect.objectContaining({ item_id: answer.itemId, content_index: 0, audio_end_ms: playedMs }),
    ]);
    // the server kept what was heard and dropped the transcript (protocol.md §7.7)
    expect(server.conversation.map((i) => [i['role'], i['content']])).toEqual([
      ['user', [{ type: 'input_audio', transcript: 'tell me a story' }]],
      ['assistant', [{ type: 'output_audio', transcript: '' }]],
      ['user', [{ type: 'input_audio', transcript: 'stop' }]],
      ['assistant', [{ type: 'output_audio', transcript: 'Sure.' }]],
    ]);
    expect(errors).toEqual([]);
    server.assertComplete();
    await session.close();
  });
});
