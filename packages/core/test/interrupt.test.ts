/**
 * `session.interrupt()` and `session.playback`: the barge-in every voice app needs. The answer
 * being played is cut at what the user heard (as reported by the app's speaker, or estimated from
 * the clock), the response in progress is cancelled, answers nobody heard are deleted, and the
 * races (a truncate while the response still streams, a cancel the server's VAD beat) are the
 * engine's, not the app's.
 */
import { describe, expect, it } from 'vitest';
import type { RealtimeContent } from '../src/index.js';
import { SAID, sent, errors, serverItems, answered } from './interrupt-helpers.js';
import { DIALECTS, openSession, setup } from './helpers.js';

describe.each(DIALECTS)('session.interrupt() (%s)', (dialect) => {
  it('cuts the answer at what the speaker reported as played; nothing to cancel once generated', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s);
    const seen = errors(session);
    const content = await answered(s, session);
    // the speaker confirms playback in chunks (a Twilio mark, a Web Audio buffer ending)
    session.playback.played(content, 500);
    session.playback.played(content, 700.6);
    expect(session.playback.position).toEqual({
      itemId: content.itemId,
      contentIndex: 0,
      playedMs: 1200.6,
      source: 'reported',
    });
    const [result] = await Promise.all([session.interrupt(), s.settle()]);
    expect(result).toEqual({
      cancelledResponseId: undefined,
      truncated: { itemId: content.itemId, contentIndex: 0, audioEndMs: 1200, deleted: false },
      deletedItemIds: [],
    });
    expect(sent(s, 'response.cancel')).toEqual([]);
    expect(sent(s, 'conversation.item.truncate')).toMatchObject([
      { item_id: content.itemId, content_index: 0, audio_end_ms: 1200 },
    ]);
    // the server dropped the transcript: no unheard text in the model's context
    expect(serverItems(s)).toMatchObject([{ id: content.itemId, content: [{ type: 'audio' }] }]);
    expect(session.playback.position).toBeUndefined();
    expect(seen).toEqual([]);
    await session.close();
  });

  it('a report beyond the audio received shows the position at the end of that audio, as the truncate is cut', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s);
    const content = await answered(s, session);
    session.playback.played(content, 1e9);
    expect(content.audioDurationMs).toBeGreaterThan(0);
    expect(session.playback.position?.playedMs).toBe(content.audioDurationMs);
    const [result] = await Promise.all([session.interrupt(), s.settle()]);
    expect(result.truncated?.audioEndMs).toBe(Math.floor(content.audioDurationMs));
    await session.close();
  });

  it('a drain mid-answer is not its end: the same part plays on from the ms heard before it', async () => {
    // the answer streams in real time: the speaker can run dry before the rest of it arrives
    const s = setup(dialect, { random: () => 0 }, { pacing: { realtimeFactor: 1 } });
    const session = await openSession(s);
    let content: RealtimeContent | undefined;
    session.on('response_audio', (_frame, c) => (content = c));
    s.server.queueResponse((ctx) => ctx.say(SAID));
    void session.response.generate();
    await s.clock.advanceAsync(250);
    // a stalled generator (or network) lets the speaker run dry after 300 ms, then it plays on
    expect(content?.audioDurationMs).toBe(300);
    session.playback.played(content!, 300);
    session.playback.stopped();
    expect(session.playback.position).toBeUndefined();
    await s.clock.advanceAsync(400);
    session.playback.played(content!, 200);
    session.playback.played(content!, 200);
    expect(session.playback.position?.playedMs).toBe(700);
    const [result] = await Promise.all([session.interrupt(), s.clock.advanceAsync(5000)]);
    expect(result.truncated?.audioEndMs).toBe(700);
    expect(sent(s, 'conversation.item.truncate')).toMatchObject([{ audio_end_ms: 700 }]);
    // the interruption cleared the speaker: a later report of that part is of audio it dropped
    session.playback.played(content!, 100);
    expect(session.playback.position).toBeUndefined();
    // another part after a drain starts from 0 ms
    session.playback.stopped();
    session.playback.played({ itemId: 'item_other', contentIndex: 0 }, 40);
    expect(session.playback.position).toMatchObject({ itemId: 'item_other', playedMs: 40 });
    await session.close();
  });

  it('a barge-in while the speaker ran dry mid-answer cuts the part at the ms heard, not deleting it', async () => {
    // the answer streams in real time; the speaker plays each frame as it comes and runs dry
    // between frames (the README's player.onDrained → playback.stopped()); the newest frame was
    // handed over and not confirmed played yet
    const s = setup(dialect, { random: () => 0 }, { pacing: { realtimeFactor: 1 } });
    const session = await openSession(s);
    let content: RealtimeContent | undefined;
    let reported = 0;
    session.on('response_audio', (frame, c) => {
      content = c;
      if (c.audioDurationMs <= 400) {
        session.playback.played(c, frame);
        reported = c.audioDurationMs;
      }
    });
    s.server.queueResponse((ctx) => ctx.say(SAID));
    void session.response.generate().catch(() => undefined);
    await s.clock.advanceAsync(450);
    session.playback.stopped();
    expect(content!.audioDurationMs).toBeGreaterThan(reported);
    expect(reported).toBeGreaterThan(0);
    const [result] = await Promise.all([session.interrupt(), s.clock.advanceAsync(5000)]);
    expect(result.cancelledResponseId).toBeDefined();
    // before, the drained part counted as unheard: the whole answer was deleted
    expect(result.truncated).toEqual({
      itemId: content!.itemId,
      contentIndex: 0,
      audioEndMs: reported,
      deleted: false,
    });
    expect(result.deletedItemIds).toEqual([]);
    expect(sent(s, 'conversation.item.delete')).toEqual([]);
    expect(sent(s, 'conversation.item.truncate')).toMatchObject([{ audio_end_ms: reported }]);
    expect(serverItems(s).map((i) => i.id)).toEqual([content!.itemId]);
    await session.close();
  });

  it('a barge-in after the speaker played all it was given and ran dry mid-answer cancels, and cuts nothing', async () => {
    const s = setup(dialect, { random: () => 0 }, { pacing: { realtimeFactor: 1 } });
    const session = await openSession(s);
    let content: RealtimeContent | undefined;
    session.on('response_audio', (frame, c) => {
      content = c;
      session.playback.played(c, frame);
    });
    s.server.queueResponse((ctx) => ctx.say(SAID));
    void session.response.generate().catch(() => undefined);
    await s.clock.advanceAsync(450);
    session.playback.stopped();
    const [result] = await Promise.all([session.interrupt(), s.clock.advanceAsync(5000)]);
    expect(result.cancelledResponseId).toBeDefined();
    // the user heard all the server generated before the cancel
    expect(result.truncated).toBeUndefined();
    expect(result.deletedItemIds).toEqual([]);
    expect(sent(s, 'conversation.item.delete')).toEqual([]);
    expect(serverItems(s).map((i) => i.id)).toEqual([content!.itemId]);
    await session.close();
  });

  it('a barge-in after the speaker played a finished answer to its end and ran dry cuts nothing', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s);
    const seen = errors(session);
    const content = await answered(s, session);
    session.playback.played(content, content.audioDurationMs);
    session.playback.stopped();
    const [result] = await Promise.all([session.interrupt(), s.settle()]);
    expect(result).toEqual({
      cancelledResponseId: undefined,
      truncated: undefined,
      deletedItemIds: [],
    });
    expect(sent(s, 'conversation.item.truncate')).toEqual([]);
    expect(sent(s, 'conversation.item.delete')).toEqual([]);
    expect(seen).toEqual([]);
    await session.close();
  });

  it('an answer a reconnect re-created as text: cut to the heard text, not truncated', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s);
    const seen = errors(session);
    const content = await answered(s, session);
    // as a restore leaves it: the server and the mirror hold the answer as its transcript
    const mirror = session.services.conversation.mirror;
    mirror.update(content.itemId, () => ({
      type: 'message',
      id: content.itemId,
      role: 'assistant',
      content: [{ type: 'text', text: SAID }],
    }));
    session.playback.played(content, 1450);
    const [result] = await Promise.all([session.interrupt(), s.settle()]);
    expect(sent(s, 'conversation.item.truncate')).toEqual([]);
    expect(sent(s, 'conversation.item.delete')).toMatchObject([{ item_id: content.itemId }]);
    // 1450 of 2880 ms: about half of the 48 characters, to the last whole word
    expect(sent(s, 'conversation.item.create').at(-1)).toMatchObject({
      item: { role: 'assistant', content: [{ text: 'one two three four five...' }] },
    });
    expect(result.truncated).toMatchObject({
      itemId: content.itemId,
      audioEndMs: 1450,
      deleted: true,
    });
    expect(session.chatCtxCopy().items.map((i) => i.id)).toContain(result.truncated?.retoldItemId);
    expect(seen).toEqual([]);
    await session.close();
  });

  it('a frame reported as played counts its duration; 0 ms heard deletes the answer', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s);
    const content = await answered(s, session);
    session.playback.played(content, {
      data: new Int16Array(2400),
      sampleRate: 24000,
      channels: 1,
    });
    expect(session.playback.position?.playedMs).toBe(100);
    // the speaker stopped after those 100 ms: that is all the user heard of the answer
    session.playback.stopped();
    expect(session.playback.position).toBeUndefined();
    const [first] = await Promise.all([session.interrupt(), s.settle()]);
    expect(first).toEqual({
      cancelledResponseId: undefined,
      truncated: { itemId: content.itemId, contentIndex: 0, audioEndMs: 100, deleted: false },
      deletedItemIds: [],
    });

    // the next answer: the speaker started it and was cleared before a sample of it played
    const next = await answered(s, session);
    session.playback.played(next, 0);
    const [result] = await Promise.all([session.interrupt(), s.settle()]);
    expect(result.truncated).toEqual({
      itemId: next.itemId,
      contentIndex: 0,
      audioEndMs: 0,
      deleted: true,
    });
    expect(serverItems(s).map((i) => i.id)).toEqual([content.itemId]);
    expect(session.chatCtxCopy().items.map((i) => i.id)).toEqual([content.itemId]);
    await session.close();
  });

  it('without reports, estimates the position from the clock since the first delta, capped by the audio received', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s);
    const content = await answered(s, session);
    await s.clock.advanceAsync(1000);
    expect(session.playback.position).toMatchObject({
      itemId: content.itemId,
      playedMs: 1000,
      source: 'clock',
    });
    const [result] = await Promise.all([session.interrupt(), s.settle()]);
    expect(result.truncated).toMatchObject({ audioEndMs: 1000, deleted: false });

    // a later answer played out in full: nothing is playing any more
    await answered(s, session);
    await s.clock.advanceAsync(3000);
    expect(session.playback.position).toBeUndefined();
    await session.close();
  });

  it('the clock estimate starts at the first audio, not at text streamed before it', async () => {
    const s = setup(dialect, { random: () => 0 }, { pacing: { textDeltaIntervalMs: 50 } });
    const session = await openSession(s);
    s.server.queueResponse((ctx) => {
      ctx.text('A written note that streams for a while before anything is spoken.');
      ctx.say(SAID);
    });
    let firstAudioAt: number | undefined;
    session.on('response_audio', () => (firstAudioAt ??= s.clock.now()));
    const response = await session.response.generate();
    await s.clock.advanceAsync(2000);
    expect(firstAudioAt).toBeDefined();
    expect(response.firstTokenAt!).toBeLessThan(firstAudioAt!);
    expect(response.firstAudioAt).toBe(firstAudioAt);
    const position = session.playback.position;
    expect(position?.playedMs).toBe(s.clock.now() - firstAudioAt!);
    await session.close();
  });

  it('while the answer still streams: cancels it, waits for its end, then truncates', async () => {
    const s = setup(dialect, { random: () => 0 }, { pacing: { realtimeFactor: 1 } });
    const session = await openSession(s);
    s.server.queueResponse((ctx) => ctx.say(SAID));
    const response = await session.response.generate();
    await s.clock.advanceAsync(600);
    expect(response.status).toBe('in_progress');
    const content = response.output[0]!.content[0]!;
    session.playback.played(content, 400);
    const interrupting = session.interrupt();
    await s.clock.advanceAsync(1000);
    const result = await interrupting;
    expect(result).toEqual({
      cancelledResponseId: response.id,
      truncated: { itemId: content.itemId, contentIndex: 0, audioEndMs: 400, deleted: false },
      deletedItemIds: [],
    });
    expect(response.status).toBe('cancelled');
    expect(sent(s, 'response.cancel')).toMatchObject([{ response_id: response.id }]);
    // the truncate went out after the response had ended
    const order = s.server.clientEvents.map((e) => e['type']);
    expect(order.indexOf('conversation.item.truncate')).toBeGreaterThan(
      order.indexOf('response.cancel'),
    );
    await session.close();
  });

  it('deletes the audio answers of the cancelled response that were never played', async () => {
    const s = setup(dialect, { random: () => 0 }, { pacing: { realtimeFactor: 1 } });
    const session = await openSession(s);
    s.server.queueResponse((ctx) => {
      ctx.say('First part.');
      ctx.say('A second part that nobody will hear, since the user speaks first.');
    });
    const response = await session.response.generate();
    // the first part (660 ms) has arrived, the second is streaming
    await s.clock.advanceAsync(1500);
    expect(response.output).toHaveLength(2);
    const [first, second] = response.output;
    session.playback.played(first!.content[0]!, 300);
    const interrupting = session.interrupt();
    await s.clock.advanceAsync(1000);
    const result = await interrupting;
    expect(result.truncated).toMatchObject({ itemId: first!.itemId, audioEndMs: 300 });
    expect(result.deletedItemIds).toEqual([second!.itemId]);
    expect(serverItems(s).map((i) => i.id)).toEqual([first!.itemId]);
    expect(session.chatCtxCopy().items.map((i) => i.id)).toEqual([first!.itemId]);
    await session.close();
  });

  it('answers before the one being played were heard whole: only those after it are deleted', async () => {
    const s = setup(dialect, { random: () => 0 }, { pacing: { realtimeFactor: 1 } });
    const session = await openSession(s);
    s.server.queueResponse((ctx) => {
      ctx.say('First part.');
      ctx.say('Second part, being played.');
      ctx.say('A third part that nobody will hear, since the user speaks first.');
    });
    const response = await session.response.generate();
    await s.clock.advanceAsync(2500);
    expect(response.output.length).toBeGreaterThanOrEqual(3);
    const [first, second, third] = response.output;
    session.playback.played(first!.content[0]!, 660);
    session.playback.played(second!.content[0]!, 200);
    const interrupting = session.interrupt();
    await s.clock.advanceAsync(2000);
    const result = await interrupting;
    expect(result.truncated).toMatchObject({ itemId: second!.itemId, audioEndMs: 200 });
    expect(result.deletedItemIds).toEqual([third!.itemId]);
    expect(serverItems(s).map((i) => i.id)).toEqual([first!.itemId, second!.itemId]);
    await session.close();
  });

  it('at: null says nothing is playing: nothing is cut, and every audio answer of the cancelled response is deleted', async () => {
    const s = setup(dialect, { random: () => 0 }, { pacing: { realtimeFactor: 1 } });
    const session = await openSession(s);
    s.server.queueResponse((ctx) => ctx.say(SAID));
    const response = await session.response.generate();
    await s.clock.advanceAsync(600);
    // without it the clock's estimate would cut the answer at ~600 ms
    expect(session.playback.position?.source).toBe('clock');
    const interrupting = session.interrupt({ at: null });
    await s.clock.advanceAsync(1000);
    const result = await interrupting;
    expect(result).toEqual({
      cancelledResponseId: response.id,
      truncated: undefined,
      deletedItemIds: [response.output[0]!.itemId],
    });
    expect(sent(s, 'conversation.item.truncate')).toEqual([]);
    expect(serverItems(s)).toEqual([]);
    await session.close();
  });

  it('two interruptions in quick succession: the second waits for the first, nothing is deleted twice, no error', async () => {
    const s = setup(dialect, { random: () => 0 }, { pacing: { realtimeFactor: 1 } });
    const session = await openSession(s);
    const seen = errors(session);
    s.server.queueResponse((ctx) => {
      ctx.say('First part.');
      ctx.say('A second part that nobody will hear, since the user speaks first.');
    });
    const response = await session.response.generate();
    await s.clock.advanceAsync(1500);
    const [first, second] = response.output;
    session.playback.played(first!.content[0]!, 300);
    const one = session.interrupt();
    const two = session.interrupt();
    await s.clock.advanceAsync(2000);
    const [a, b] = await Promise.all([one, two]);
    expect(a.deletedItemIds).toEqual([second!.itemId]);
    expect(b).toMatchObject({ truncated: undefined, deletedItemIds: [] });
    expect(sent(s, 'conversation.item.delete')).toHaveLength(1);
    expect(seen).toEqual([]);
    await session.close();
  });

  it("a cancel the server's VAD beat (response_cancel_not_active) is not reported; the app's own cancel still is", async () => {
    const s = setup(dialect, { random: () => 0 }, { pacing: { realtimeFactor: 1 } });
    const session = await openSession(s);
    const seen = errors(session);
    s.server.queueResponse((ctx) => ctx.say(SAID));
    await session.response.generate();
    await s.clock.advanceAsync(200);
    const interrupting = session.interrupt({ at: undefined });
    await s.settle();
    const [cancel] = sent(s, 'response.cancel');
    const refuse = (eventId: unknown) =>
      s.server.emit({
        type: 'error',
        event_id: `event_refused_${String(eventId)}`,
        error: {
          type: 'invalid_request_error',
          code: 'response_cancel_not_active',
          message: 'Cancellation failed: no active response found',
          param: null,
          event_id: eventId as string,
        },
      });
    refuse(cancel!['event_id']);
    await s.clock.advanceAsync(1000);
    await interrupting;
    expect(seen).toEqual([]);

    session.response.cancel();
    const own = sent(s, 'response.cancel').at(-1)!;
    refuse(own['event_id']);
    await s.settle();
    expect(seen.map((e) => e.code)).toEqual(['response_cancel_not_active']);
    await session.close();
  });

  it('cancel: false leaves the response to the server; at overrides the tracked position', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s);
    const content = await answered(s, session);
    session.playback.played(content, 2000);
    const [result] = await Promise.all([
      session.interrupt({
        cancel: false,
        at: { itemId: content.itemId, contentIndex: 0, playedMs: 9999 },
      }),
      s.settle(),
    ]);
    // capped at the audio received: what never arrived was not heard
    expect(result.truncated).toMatchObject({ audioEndMs: 2880 });
    expect(sent(s, 'response.cancel')).toEqual([]);
    await session.close();
  });

  it('an out-of-band answer is in no conversation: it is not truncated', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s);
    s.server.queueResponse((ctx) => ctx.say(SAID));
    const response = await session.response.generate({ response: { conversation: 'none' } });
    await s.settle();
    session.playback.played(response.output[0]!.content[0]!, 500);
    const [result] = await Promise.all([session.interrupt(), s.settle()]);
    expect(result.truncated).toBeUndefined();
    expect(sent(s, 'conversation.item.truncate')).toEqual([]);
    expect(sent(s, 'conversation.item.delete')).toEqual([]);
    await session.close();
  });

  it('a tool follow-up asked for but not started yet when the user barges in is cancelled the moment it starts', async () => {
    const s = setup(
      dialect,
      { random: () => 0, tools: [{ name: 'lookup', execute: () => 'found it' }] },
      { pacing: { realtimeFactor: 1 } },
    );
    const session = await openSession(s);
    const seen = errors(session);
    s.server.queueResponse((ctx) => ctx.callFunction('lookup', {}, { callId: 'c_1' }));
    s.server.queueResponse((ctx) => ctx.say('The lookup found it, here is all about it.'));
    // the follow-up's response.created is held back: it is asked for, not started
    s.server.faults.stallAt('response.created', 2);
    await Promise.all([session.response.generate(), s.settle()]);
    await s.clock.advanceAsync(500);
    expect(sent(s, 'response.create')).toHaveLength(2);
    expect(session.activeResponse).toBeUndefined();
    const [result] = await Promise.all([session.interrupt(), s.settle()]);
    expect(result.cancelledResponseId).toBeUndefined();
    s.server.faults.release();
    await s.settle();
    await s.clock.advanceAsync(1000);
    const followUp = session.responses.at(-1)!;
    expect(sent(s, 'response.cancel')).toMatchObject([{ response_id: followUp.id }]);
    expect(followUp.status).toBe('cancelled');
    expect(seen).toEqual([]);
    await session.close();
  });

  it('a bare create under server VAD is cancelled on start: its tag tells it from the response VAD starts for the new turn', async () => {
    const s = setup(dialect, { random: () => 0 }, { pacing: { realtimeFactor: 1 } });
    const session = await openSession(s);
    s.server.queueResponse((ctx) => ctx.say(SAID));
    s.server.faults.stallAt('response.created');
    void session.response.create();
    await s.settle();
    await Promise.all([session.interrupt(), s.settle()]);
    s.server.faults.release();
    await s.settle();
    await s.clock.advanceAsync(1000);
    const started = session.responses.at(-1)!;
    expect(sent(s, 'response.cancel')).toMatchObject([{ response_id: started.id }]);
    expect(started.status).toBe('cancelled');
    await session.close();
  });

  it('refuses bad input with typed errors, and rejects once the session is closed', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s);
    const bad = (f: () => unknown) =>
      expect(f).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    bad(() => session.playback.played({ itemId: '', contentIndex: 0 }, 10));
    bad(() => session.playback.played({ itemId: 'i', contentIndex: -1 }, 10));
    bad(() => session.playback.played({ itemId: 'i', contentIndex: 0 }, -1));
    bad(() => session.playback.played({ itemId: 'i', contentIndex: 0 }, Number.NaN));
    bad(() => session.playback.played({ itemId: 'i', contentIndex: 0 }, {} as never));
    await expect(
      session.interrupt({ at: { itemId: 'i', contentIndex: 0, playedMs: -5 } }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', data: { argument: 'at' } });
    await expect(session.interrupt({ cancel: 'yes' as never })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      data: { argument: 'cancel' },
    });
    await session.close();
    await expect(session.interrupt()).rejects.toMatchObject({ code: 'SESSION_CLOSED' });
  });
});
