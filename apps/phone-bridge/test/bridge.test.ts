/**
 * The bridge end to end: a scripted Twilio over a real loopback WebSocket, the fake Realtime
 * server behind the bridge, all on one SimulatedClock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LONG, LONG_MS, io, startCall } from './helpers.js';
import type { Cleanups } from './helpers.js';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a call over the bridge', () => {
  it('the caller speaks (µ-law 8 kHz, appended as is): the answer comes back as media + mark, each echoed mark reported as played', async () => {
    const c = await startCall(cleanups);
    c.twilio.start();
    expect(await c.run(() => c.call()?.streamSid === 'MZ1')).toBe(true);
    const session = c.call()!.session;
    expect(await c.run(() => c.fake.server.sessionConfig !== undefined)).toBe(true);
    // the session speaks Twilio's format both ways (GA audio/pcmu)
    expect(c.fake.server.sessionConfig).toMatchObject({
      audio: {
        input: { format: { type: 'audio/pcmu' } },
        output: { format: { type: 'audio/pcmu' } },
      },
    });

    c.say(600, 600);
    expect(await c.run(() => c.twilio.sent('media').length >= 5)).toBe(true);
    // the caller's 20 ms frames reached the server byte for byte: 160 µ-law bytes each
    const appends = c.wire('input_audio_buffer.append');
    expect(appends.length).toBeGreaterThan(0);
    expect(Buffer.from(String(appends[0]!['audio']), 'base64')).toHaveLength(160);
    // (appendEncoded: Twilio's µ-law bytes go out as they are, no PCM16 round trip)
    expect(appends.map((a) => a['audio'])).toEqual(c.spoken.slice(0, appends.length));

    // media then its mark, in turn, addressed to the stream; 20 ms of µ-law = 160 bytes (the
    // model's 100 ms chunks split in five)
    // (a clear first: the bridge clears on every speech start, this one had nothing to drop)
    const kinds = c.twilio.received.map((m) => m.event);
    expect(kinds[0]).toBe('clear');
    expect(kinds.slice(1, 5)).toEqual(['media', 'mark', 'media', 'mark']);
    expect(c.twilio.received.every((m) => m.streamSid === 'MZ1')).toBe(true);
    expect(Buffer.from(c.twilio.sent('media')[0]!.media!.payload, 'base64')).toHaveLength(160);

    // the phone plays in real time; each mark that comes back moves the playback position
    expect(await c.run(() => c.twilio.echoed.length >= 3)).toBe(true);
    await io(); // the last echo reaches the bridge
    const position = session.playback.position as { playedMs: number; itemId: string };
    expect(position.playedMs).toBe(c.twilio.echoed.length * 20);
    // not what was sent: the answer is sent four times faster than it plays
    expect(c.twilio.sent('media').length * 20).toBeGreaterThan(position.playedMs);

    // the whole answer played: every mark came back, nothing outstanding
    expect(
      await c.run(
        () =>
          c.twilio.held.length === 0 &&
          c.call()!.marksOutstanding === 0 &&
          session.activeResponse === undefined,
      ),
    ).toBe(true);
    expect(c.twilio.echoed).toHaveLength(c.twilio.sent('mark').length);
    expect(c.twilio.playedMs).toBe(LONG_MS);
    expect(session.playback.position).toBeUndefined();
  });

  it('a barge-in while the answer plays (all of it already sent): clear to Twilio, the answer truncated at the ms the marks confirmed, not at the audio sent', async () => {
    const c = await startCall(cleanups);
    c.twilio.start();
    c.fake.server.scriptTranscription('tell me a story', 'stop');
    c.say(600, 600);
    expect(await c.run(() => c.twilio.playedMs >= 1_250)).toBe(true);
    const session = c.call()!.session;
    const answer = session.responses[0]!.output[0]!.content[0]!;
    // the whole answer was already sent (the peers' interrupt did nothing then), a quarter played
    const sentMs =
      c.twilio
        .sent('media')
        .reduce((n, m) => n + Buffer.from(m.media!.payload, 'base64').length, 0) / 8;
    expect(sentMs).toBe(LONG_MS);
    expect(session.activeResponse).toBeUndefined();
    c.fake.server.queueResponse((ctx) => ctx.say('Sure.'));

    c.line.splice(0);
    c.say(600, 600);
    expect(await c.run(() => c.wire('conversation.item.truncate').length === 1)).toBe(true);
    // Twilio was told to drop what it held
    // (the first clear came with the question, which had nothing to drop)
    expect(c.twilio.sent('clear')).toEqual([
      { event: 'clear', streamSid: 'MZ1' },
      { event: 'clear', streamSid: 'MZ1' },
    ]);
    expect(c.twilio.held).toEqual([]);
    const [truncate] = c.wire('conversation.item.truncate');
    const markedMs = truncate!['audio_end_ms'] as number;
    expect(truncate).toMatchObject({ item_id: answer.itemId, content_index: 0 });
    // the cut is where the marks got to: whole 20 ms frames, at most one behind what the phone
    // played, far behind what was sent
    expect(markedMs % 20).toBe(0);
    expect(markedMs).toBeGreaterThanOrEqual(1_240);
    expect(markedMs).toBeLessThan(sentMs);
    expect(c.twilio.playedMs - markedMs).toBeGreaterThanOrEqual(0);
    expect(c.twilio.playedMs - markedMs).toBeLessThanOrEqual(20);
    // the marks of the cleared audio came back and were not counted
    expect(c.call()!.marksOutstanding).toBe(0);
    expect(
      await c.run(() => session.responses.length === 2 && session.activeResponse === undefined),
    ).toBe(true);
    expect(session.responses.at(-1)?.text).toBe('Sure.');
  });
  it('a barge-in mid-answer: the response is cancelled, the answer cut at the marks, not at what was received', async () => {
    const c = await startCall(cleanups, { realtimeFactor: 0.8 });
    c.twilio.start();
    c.fake.server.scriptTranscription('tell me a story', 'stop');
    c.say(600, 600);
    expect(await c.run(() => c.twilio.playedMs >= 1_050)).toBe(true);
    const session = c.call()!.session;
    const active = session.activeResponse!;
    expect(active).toBeDefined();
    const answer = active.output[0]!.content[0]!;
    c.fake.server.queueResponse((ctx) => ctx.say('Sure.'));
    c.line.splice(0);
    c.say(600, 600);
    expect(await c.run(() => c.wire('conversation.item.truncate').length === 1)).toBe(true);
    const markedMs = c.wire('conversation.item.truncate')[0]!['audio_end_ms'] as number;
    expect(answer.audioDurationMs).toBeGreaterThan(c.twilio.playedMs);
    expect(c.twilio.playedMs - markedMs).toBeGreaterThanOrEqual(0);
    expect(c.twilio.playedMs - markedMs).toBeLessThanOrEqual(20);
    expect(markedMs).toBeGreaterThanOrEqual(1_040);
    expect(c.wire('response.cancel')).toEqual([
      expect.objectContaining({ response_id: active.id }),
    ]);
    expect(
      await c.run(() => session.responses.length === 2 && session.activeResponse === undefined),
    ).toBe(true);
    expect(session.responses[0]).toMatchObject({ id: active.id, status: 'cancelled' });
    expect(session.responses[1]?.text).toBe('Sure.');
  });
});

describe('the answer’s frames to Twilio', () => {
  it('a model chunk of 500 ms goes out as 20 ms media frames (160 µ-law bytes), each with its mark: a barge-in cuts within 20 ms of what the caller heard, not 500', async () => {
    const c = await startCall(cleanups, { audioChunkMs: 500 });
    c.twilio.start();
    c.fake.server.scriptTranscription('tell me a story', 'stop');
    c.say(600, 600);
    expect(await c.run(() => c.twilio.playedMs >= 1_330)).toBe(true);
    const session = c.call()!.session;
    const answer = session.responses[0]!.output[0]!.content[0]!;
    const media = c.twilio.sent('media');
    expect(media.length).toBeGreaterThan(25);
    // Twilio's own frame size, every one of them (the answer is a whole number of 20 ms)
    for (const m of media) expect(Buffer.from(m.media!.payload, 'base64')).toHaveLength(160);
    // each media message is followed by its mark
    const kinds = c.twilio.received.filter((m) => m.event !== 'clear').map((m) => m.event);
    expect(kinds.slice(0, 6)).toEqual(['media', 'mark', 'media', 'mark', 'media', 'mark']);

    c.line.splice(0);
    c.say(600, 600);
    expect(await c.run(() => c.wire('conversation.item.truncate').length === 1)).toBe(true);
    const truncate = c.wire('conversation.item.truncate')[0]!;
    expect(truncate).toMatchObject({ item_id: answer.itemId, content_index: 0 });
    const markedMs = truncate['audio_end_ms'] as number;
    expect(markedMs % 20).toBe(0);
    // one frame behind what the phone played at most, never ahead of it
    expect(c.twilio.playedMs - markedMs).toBeGreaterThanOrEqual(0);
    expect(c.twilio.playedMs - markedMs).toBeLessThanOrEqual(20);
  });
});

describe('model chunks that are not whole frames', () => {
  it.each([50, 30])(
    'chunks of %d ms: Twilio still gets even 160-byte frames (a chunk’s remainder goes out with the next), each mark counts its 20 ms, and a barge-in cuts at exactly what it played',
    async (audioChunkMs) => {
      const c = await startCall(cleanups, { audioChunkMs, realtimeFactor: 0.8 });
      c.twilio.start();
      c.fake.server.scriptTranscription('tell me a story', 'stop');
      expect(await c.run(() => c.call()?.streamSid === 'MZ1')).toBe(true);
      const session = c.call()!.session;
      const reported: number[] = [];
      const played = session.playback.played.bind(session.playback);
      session.playback.played = (content, ms) => {
        reported.push(typeof ms === 'number' ? ms : -1);
        played(content, ms);
      };
      c.say(600, 600);
      expect(await c.run(() => c.twilio.playedMs >= 1_030)).toBe(true);
      const answer = session.activeResponse!.output[0]!.content[0]!;
      // every frame so far is Twilio's own, none short mid-answer (160, 160, 80, … before)
      const sizes = c.twilio
        .sent('media')
        .map((m) => Buffer.from(m.media!.payload, 'base64').length);
      expect(sizes.length).toBeGreaterThan(50);
      expect(new Set(sizes)).toEqual(new Set([160]));
      // each media is followed by its mark, and each echoed mark reports its frame's 20 ms
      const kinds = c.twilio.received.filter((m) => m.event !== 'clear').map((m) => m.event);
      expect(kinds.slice(0, 6)).toEqual(['media', 'mark', 'media', 'mark', 'media', 'mark']);
      expect(new Set(reported)).toEqual(new Set([20]));

      c.fake.server.queueResponse((ctx) => ctx.say('Sure.'));
      c.line.splice(0);
      c.say(600, 600);
      expect(await c.run(() => c.wire('conversation.item.truncate').length === 1)).toBe(true);
      const truncate = c.wire('conversation.item.truncate')[0]!;
      expect(truncate).toMatchObject({ item_id: answer.itemId, content_index: 0 });
      // the cut is what the phone played, to the ms, and what the marks reported
      expect(truncate['audio_end_ms']).toBe(c.twilio.playedMs);
      expect(reported.reduce((sum, ms) => sum + ms, 0)).toBe(c.twilio.playedMs);
      expect(c.call()!.marksOutstanding).toBe(0);
      expect(
        await c.run(() => session.responses.length === 2 && session.activeResponse === undefined),
      ).toBe(true);
      expect(session.responses[1]?.text).toBe('Sure.');
      // what was held of the cut answer was dropped with the clear, not sent before the next
      const clearAt = c.twilio.received.findLastIndex((m) => m.event === 'clear');
      const after = c.twilio.received
        .slice(clearAt)
        .filter((m) => m.event === 'media')
        .map((m) => Buffer.from(m.media!.payload, 'base64').length);
      expect(after).toEqual(Array<number>('Sure.'.length * 3).fill(160));
    },
  );

  it('frames that do not divide the answer (25 ms frames of 30 ms chunks): every frame is whole but the answer’s last, which is sent at its end, and all of it is heard and reported', async () => {
    const c = await startCall(cleanups, { audioChunkMs: 30, bridge: { frameMs: 25 } });
    c.twilio.start();
    c.say(600, 600);
    const call = () => c.call()!;
    expect(
      await c.run(
        () =>
          c.twilio.playedMs === LONG_MS &&
          call().marksOutstanding === 0 &&
          call().session.activeResponse === undefined,
      ),
    ).toBe(true);
    const sizes = c.twilio.sent('media').map((m) => Buffer.from(m.media!.payload, 'base64').length);
    // 4860 ms: 194 frames of 200 bytes (25 ms), then the last 10 ms
    expect(LONG_MS).toBe(4_860);
    expect(sizes).toEqual([...Array<number>(194).fill(200), 80]);
    expect(c.twilio.echoed).toHaveLength(195);
    const answer = call().session.responses[0]!.output[0]!.content[0]!;
    expect(answer.audioDurationMs).toBe(LONG_MS);
    // the phone drained: every mark came back, the last one's 5 ms included
    expect(call().session.playback.position).toBeUndefined();
  });
});

describe('marks Twilio does not echo', () => {
  it('at most maxMarksOutstanding are kept (one warning): audio goes on without marks, and is reported with the next mark once the echoes come back', async () => {
    const c = await startCall(cleanups, { bridge: { maxMarksOutstanding: 10 } });
    c.twilio.start();
    c.twilio.echoMarks = false;
    c.say(600, 600);
    const call = () => c.call()!;
    // the whole answer (243 frames of 20 ms) is sent and played, but no mark comes back
    expect(await c.run(() => c.twilio.playedMs === LONG_MS)).toBe(true);
    expect(c.twilio.sent('media')).toHaveLength(LONG_MS / 20);
    expect(c.twilio.sent('mark')).toHaveLength(10);
    expect(call().marksOutstanding).toBe(10);
    const warnings = c.logs.filter((l) => l.message.startsWith('Twilio is not echoing marks'));
    expect(warnings).toEqual([
      expect.objectContaining({ level: 'warn', fields: { outstanding: 10, callSid: 'CA1' } }),
    ]);
    const session = call().session;
    expect(session.playback.position).toBeUndefined();

    const reported: number[] = [];
    const played = session.playback.played.bind(session.playback);
    session.playback.played = (content, ms) => {
      reported.push(typeof ms === 'number' ? ms : -1);
      played(content, ms);
    };
    // the echoes come back: the ten marks, then one more for the audio sent unmarked meanwhile
    c.twilio.releaseMarks();
    expect(await c.run(() => call().marksOutstanding === 0 && c.twilio.echoed.length === 11)).toBe(
      true,
    );
    expect(c.twilio.sent('mark')).toHaveLength(11);
    await io();
    expect(reported).toEqual([...Array<number>(10).fill(20), LONG_MS - 200]);
    // all of it was reported as played: the phone drained at the answer's end
    const answer = session.responses[0]!.output[0]!.content[0]!;
    expect(answer.audioDurationMs).toBe(LONG_MS);
    expect(session.playback.position).toBeUndefined();
  });
});

describe('barge-ins in a row', () => {
  it('a second barge-in cuts the new answer at its own marks (from its start, not the first’s), the first answer’s late echoes counting for nothing', async () => {
    const c = await startCall(cleanups);
    c.twilio.start();
    c.fake.server.scriptTranscription('tell me a story', 'stop', 'stop again');
    c.say(600, 600);
    expect(await c.run(() => c.twilio.playedMs >= 1_000)).toBe(true);
    const session = c.call()!.session;
    const first = session.responses[0]!.output[0]!.content[0]!;
    c.fake.server.queueResponse((ctx) => ctx.say(LONG));
    c.line.splice(0);
    c.say(600, 600);
    expect(await c.run(() => c.wire('conversation.item.truncate').length === 1)).toBe(true);
    expect(await c.run(() => session.responses.length === 2)).toBe(true);
    const second = session.responses[1]!.output[0]!.content[0]!;
    const playedAtSecond = c.twilio.playedMs;
    expect(await c.run(() => c.twilio.playedMs >= playedAtSecond + 1_500)).toBe(true);

    c.fake.server.queueResponse((ctx) => ctx.say('Sure.'));
    c.line.splice(0);
    c.say(600, 600);
    expect(await c.run(() => c.wire('conversation.item.truncate').length === 2)).toBe(true);
    const [cut1, cut2] = c.wire('conversation.item.truncate');
    expect(cut1).toMatchObject({ item_id: first.itemId });
    expect(cut2).toMatchObject({ item_id: second.itemId, content_index: 0 });
    // what the phone played of the second answer: ~1.5 s of it (its start is the first audio
    // played after the first clear), within a frame
    const cut2Ms = cut2!['audio_end_ms'] as number;
    expect(cut2Ms % 20).toBe(0);
    expect(cut2Ms).toBeGreaterThanOrEqual(1_400);
    expect(cut2Ms).toBeLessThan(2_400);
    expect(c.call()!.marksOutstanding).toBe(0);
    expect(
      await c.run(() => session.responses.length === 3 && session.activeResponse === undefined),
    ).toBe(true);
    expect(session.responses[2]?.text).toBe('Sure.');
    expect(c.twilio.closeEvent).toBeUndefined();
  });
});
