/**
 * An answer the drop cut off mid-stream: the user heard part of it (or read it, for text), but
 * the fresh server knows nothing of it. With `reconnect.truncatedAnswers: 'heard'` the restore
 * re-creates it as the text heard so far, ended with `...`, as it does an answer truncated after
 * a barge-in (restore-truncated-answer.test.ts); `'skip'` leaves it out, as before.
 */
import type { RealtimeModelOptions, RealtimeResponse, RealtimeSession } from '../src/index.js';
import { describe, expect, it } from 'vitest';
import { conversationItemToChatItem } from '../src/conversation/items.js';
import type { ReconnectedEvent } from '../src/index.js';
import type { CreateFakeServerOptions } from '@voxwire/testing';
import { DIALECTS, openSession, setup, type Setup } from './helpers.js';

// 48 characters: the fake speaks 60 ms per character in 100 ms chunks (29 of them), each after
// its share of the transcript; cut before the 21st chunk's audio, it has sent 2000 ms of audio
// and the transcript of 21 chunks (it runs ahead of the audio, the last word cut short)
const SAID = 'one two three four five six seven eight nine ten';
const RECEIVED = 'one two three four five six seven e';

interface Cut {
  s: Setup;
  session: RealtimeSession;
  response: RealtimeResponse;
  itemId: string;
  reconnected: ReconnectedEvent[];
}

/**
 * An answer cut by a drop before the `deltas + 1`-th event of `type`; the reconnect waits
 * `backoffMs` (on the simulated clock), and the session is in the outage when this returns.
 */
async function cutByDrop(
  dialect: (typeof DIALECTS)[number],
  options: {
    type?: 'response.output_audio.delta' | 'response.output_text.delta';
    deltas?: number;
    model?: Partial<RealtimeModelOptions>;
    server?: CreateFakeServerOptions;
    text?: boolean;
  } = {},
): Promise<Cut> {
  const s = setup(
    dialect,
    { random: () => 0, reconnect: { backoff: () => 1000 }, ...options.model },
    options.server,
  );
  const session = await openSession(s);
  const reconnected: ReconnectedEvent[] = [];
  session.on('reconnected', (e) => reconnected.push(e));
  // one fault: the rule would fire again on the fresh connection
  session.on('disconnected', () => s.server.faults.clear());
  s.server.faults.closeAt(options.type ?? 'response.output_audio.delta', {
    occurrence: (options.deltas ?? 20) + 1,
  });
  s.server.queueResponse((ctx) => (options.text ? ctx.text(SAID) : ctx.say(SAID)));
  const response = await session.response.generate(
    options.text ? { response: { output_modalities: ['text'] } } : undefined,
  );
  await s.settle();
  expect(session.connectionState.status).toBe('reconnecting');
  expect(response.status).toBe('failed');
  expect(response.statusDetails?.reason).toBe('connection_lost');
  return { s, session, response, itemId: response.output[0]!.itemId, reconnected };
}

async function restore(cut: Cut): Promise<ReconnectedEvent> {
  const before = cut.reconnected.length;
  await cut.s.clock.advanceAsync(1000);
  expect(cut.session.connectionState.status).toBe('open');
  expect(cut.reconnected).toHaveLength(before + 1);
  return cut.reconnected.at(-1)!;
}

function serverTexts(s: Setup): unknown[] {
  return s.server.conversation.map((i) => conversationItemToChatItem(i as never));
}

async function dropAgain(cut: Cut): Promise<ReconnectedEvent> {
  const before = cut.s.server.clientEvents.length;
  cut.s.server.close(1006, 'network');
  const event = await restore(cut);
  expect(
    cut.s.server.clientEvents
      .slice(before)
      .filter((e) => (e as { type: string }).type === 'conversation.item.create'),
  ).toHaveLength(1);
  return event;
}

describe.each(DIALECTS)('an answer the drop cut off mid-stream (%s)', (dialect) => {
  it('with playback reports: restored as the share of its received transcript that was played', async () => {
    const cut = await cutByDrop(dialect);
    const content = cut.response.output[0]!.content[0]!;
    expect(content.text).toBe(RECEIVED);
    expect(content.audioDurationMs).toBe(2000);
    // during the outage the mirror holds what was received, and the speaker plays on
    expect(cut.session.chatCtxCopy().items).toMatchObject([
      { id: cut.itemId, content: [{ type: 'audio', transcript: RECEIVED }] },
    ]);
    cut.session.playback.played(content, 1000);
    const event = await restore(cut);
    expect(event).toMatchObject({ restoredItems: 1, skippedItems: 0, cutOffItemIds: [cut.itemId] });
    const told = [
      { id: cut.itemId, role: 'assistant', content: [{ type: 'text', text: 'one two three...' }] },
    ];
    expect(cut.session.chatCtxCopy().items).toMatchObject(told);
    expect(serverTexts(cut.s)).toMatchObject(told);
    // the next restore re-creates the same text, and reports no answer cut by that drop
    expect(await dropAgain(cut)).toMatchObject({ restoredItems: 1, cutOffItemIds: [] });
    expect(serverTexts(cut.s)).toMatchObject(told);
    await cut.session.close();
  });

  it('without reports: estimated from the clock since its first audio, up to the restore', async () => {
    const cut = await cutByDrop(dialect);
    // the fake sent all 2000 ms at once; the restore comes 1000 ms later
    expect(await restore(cut)).toMatchObject({ restoredItems: 1, cutOffItemIds: [cut.itemId] });
    expect(serverTexts(cut.s)).toMatchObject([
      { id: cut.itemId, content: [{ type: 'text', text: 'one two three...' }] },
    ]);
    await cut.session.close();
  });

  it('all of its received audio played: its received transcript to the last whole word, marked as cut off', async () => {
    const cut = await cutByDrop(dialect);
    cut.session.playback.played(cut.response.output[0]!.content[0]!, 2000);
    expect(await restore(cut)).toMatchObject({ cutOffItemIds: [cut.itemId] });
    expect(serverTexts(cut.s)).toMatchObject([
      { id: cut.itemId, content: [{ type: 'text', text: 'one two three four five six seven...' }] },
    ]);
    await cut.session.close();
  });

  it('a barge-in after the restore has nothing left to cut: the text the restore told stays', async () => {
    // all the received audio played, the speaker still reporting that part when the user speaks
    const cut = await cutByDrop(dialect);
    const content = cut.response.output[0]!.content[0]!;
    cut.session.playback.played(content, 2000);
    await restore(cut);
    const told = [
      { id: cut.itemId, content: [{ type: 'text', text: 'one two three four five six seven...' }] },
    ];
    expect(serverTexts(cut.s)).toMatchObject(told);
    const before = cut.s.server.clientEvents.length;
    const [result] = await Promise.all([cut.session.interrupt(), cut.s.settle()]);
    // not told again from the whole received transcript, which the drop cut mid-word ("seven e")
    expect(result.truncated).toBeUndefined();
    expect(result.deletedItemIds).toEqual([]);
    expect(
      cut.s.server.clientEvents
        .slice(before)
        .map((e) => (e as { type: string }).type)
        .filter((t) => t.startsWith('conversation.item')),
    ).toEqual([]);
    expect(serverTexts(cut.s)).toMatchObject(told);
    await cut.session.close();
  });

  it('the speaker played on after the restore: a barge-in cuts the text again, as a cut-off answer (whole words, `...`)', async () => {
    const cut = await cutByDrop(dialect);
    const content = cut.response.output[0]!.content[0]!;
    cut.session.playback.played(content, 1000);
    await restore(cut);
    expect(serverTexts(cut.s)).toMatchObject([
      { id: cut.itemId, content: [{ type: 'text', text: 'one two three...' }] },
    ]);
    // the phone plays on what it holds: all 2000 ms received, the transcript cut mid-word
    cut.session.playback.played(content, 1000);
    const [result] = await Promise.all([cut.session.interrupt(), cut.s.settle()]);
    expect(result.truncated).toMatchObject({
      itemId: cut.itemId,
      audioEndMs: 2000,
      deleted: true,
      retoldItemId: expect.any(String),
    });
    // not "... seven e" (the received transcript, cut by the drop), and marked as cut off
    expect(serverTexts(cut.s)).toMatchObject([
      {
        id: result.truncated!.retoldItemId,
        content: [{ type: 'text', text: 'one two three four five six seven...' }],
      },
    ]);
    await cut.session.close();
  });

  it('with reports that never reached it: nothing was heard, so it is left out', async () => {
    const cut = await cutByDrop(dialect);
    cut.session.playback.played({ itemId: 'an_earlier_answer', contentIndex: 0 }, 500);
    expect(await restore(cut)).toMatchObject({
      restoredItems: 0,
      skippedItems: 1,
      cutOffItemIds: [],
    });
    expect(cut.s.server.conversation).toEqual([]);
    expect(cut.session.chatCtxCopy().items).toEqual([]);
    await cut.session.close();
  });

  it('interrupted during the outage: restored as the text heard up to the interruption', async () => {
    const cut = await cutByDrop(dialect);
    cut.session.playback.played(cut.response.output[0]!.content[0]!, 1500);
    const interrupting = cut.session.interrupt();
    await cut.s.settle();
    await expect(interrupting).resolves.toMatchObject({
      truncated: { itemId: cut.itemId, contentIndex: 0, audioEndMs: 1500, deleted: false },
    });
    expect(await restore(cut)).toMatchObject({ cutOffItemIds: [cut.itemId] });
    expect(serverTexts(cut.s)).toMatchObject([
      { id: cut.itemId, content: [{ type: 'text', text: 'one two three four five...' }] },
    ]);
    expect(
      cut.s.server.clientEvents.filter(
        (e) => (e as { type: string }).type === 'conversation.item.truncate',
      ),
    ).toEqual([]);
    await cut.session.close();
  });

  it("with truncatedAnswers: 'skip' it is left out, as before", async () => {
    const cut = await cutByDrop(dialect, {
      model: { reconnect: { truncatedAnswers: 'skip', backoff: () => 1000 } },
    });
    cut.session.playback.played(cut.response.output[0]!.content[0]!, 1000);
    expect(await restore(cut)).toMatchObject({
      restoredItems: 0,
      skippedItems: 1,
      cutOffItemIds: [],
    });
    expect(cut.s.server.conversation).toEqual([]);
    expect(cut.session.chatCtxCopy().items).toEqual([]);
    await cut.session.close();
  });

  it('cut before any audio: nothing was heard, so it is left out', async () => {
    // 1 s chunks: the first third of the transcript (whole words) comes before any audio
    const cut = await cutByDrop(dialect, { deltas: 0, server: { pacing: { audioChunkMs: 1000 } } });
    expect(cut.response.output[0]!.content[0]).toMatchObject({
      text: 'one two three fo',
      audioSamples: 0,
    });
    expect(await restore(cut)).toMatchObject({
      restoredItems: 0,
      skippedItems: 1,
      cutOffItemIds: [],
    });
    expect(cut.s.server.conversation).toEqual([]);
    await cut.session.close();
  });

  it('cut before any audio and left out: a context copied before the restore is set without it, not refused', async () => {
    const cut = await cutByDrop(dialect, { deltas: 0, server: { pacing: { audioChunkMs: 1000 } } });
    // the app keeps its history: copied during the outage, with the cut answer in it
    const copy = cut.session.chatCtxCopy();
    expect(copy.items.map((i) => i.id)).toEqual([cut.itemId]);
    await restore(cut);
    // the answer cannot be made again (an answer's audio, no samples, no word heard): the
    // restore's choice stands, and the rest of the context is applied
    const note = {
      type: 'message' as const,
      id: 'note_1',
      role: 'user' as const,
      content: [{ type: 'text' as const, text: 'A note.' }],
    };
    await Promise.all([cut.session.setChatCtx([...copy.items, note]), cut.s.settle()]);
    expect(cut.s.server.conversation.map((i) => i['id'])).toEqual(['note_1']);
    await cut.session.close();
  });

  it('a delete of the left-out answer, unanswered when the next connection drops too: done after the next restore, no error', async () => {
    const cut = await cutByDrop(dialect, { deltas: 0, server: { pacing: { audioChunkMs: 1000 } } });
    const errors: string[] = [];
    cut.session.on('error', (e) => errors.push(String(e.code)));
    // the outage holds the app's delete; the fresh server refuses it (it never had the item),
    // and the connection drops before the refusal reaches this side
    const deleted = cut.session.conversation.item.delete({ itemId: cut.itemId });
    cut.s.server.faults.closeAt('error', { when: 'before' });
    await cut.s.clock.advanceAsync(1000);
    expect(cut.session.connectionState.status).toBe('reconnecting');
    await cut.s.clock.advanceAsync(1000);
    expect(cut.session.connectionState.status).toBe('open');
    expect(cut.reconnected).toHaveLength(2);
    // the next restore leaves out nothing (the item is gone since the first), and sends the
    // delete again: refused again, and taken for done
    await expect(deleted).resolves.toBeUndefined();
    expect(errors).toEqual(['SOCKET_CLOSED']);
    expect(cut.s.server.conversation).toEqual([]);
    await cut.session.close();
  });

  it('a text answer: restored as all of the text received (it was shown), marked as cut off', async () => {
    const cut = await cutByDrop(dialect, {
      type: 'response.output_text.delta',
      deltas: 3,
      text: true,
    });
    expect(cut.response.output[0]!.content[0]).toMatchObject({
      contentType: 'text',
      text: 'one two three ',
    });
    expect(await restore(cut)).toMatchObject({ restoredItems: 1, cutOffItemIds: [cut.itemId] });
    const told = [{ id: cut.itemId, content: [{ type: 'text', text: 'one two three...' }] }];
    expect(serverTexts(cut.s)).toMatchObject(told);
    expect(cut.session.chatCtxCopy().items).toMatchObject(told);
    await cut.session.close();
  });

  it('a function call cut mid-arguments stays left out; the answer before it is whole', async () => {
    const s = setup(dialect, { random: () => 0, reconnect: { backoff: () => 1000 } });
    const session = await openSession(s);
    const reconnected: ReconnectedEvent[] = [];
    session.on('reconnected', (e) => reconnected.push(e));
    session.on('disconnected', () => s.server.faults.clear());
    s.server.faults.closeAt('response.function_call_arguments.delta');
    s.server.queueResponse((ctx) => {
      ctx.say('let me look');
      ctx.callFunction('get_weather', { location: 'Oslo' });
    });
    const response = await session.response.generate();
    await s.settle();
    expect(response.statusDetails?.reason).toBe('connection_lost');
    const [said, call] = response.output;
    expect(call?.type).toBe('function_call');
    await s.clock.advanceAsync(1000);
    expect(reconnected).toMatchObject([{ restoredItems: 1, skippedItems: 1, cutOffItemIds: [] }]);
    expect(serverTexts(s)).toEqual([
      expect.objectContaining({
        id: said!.itemId,
        content: [{ type: 'text', text: 'let me look' }],
      }),
    ]);
    await session.close();
  });
});

describe.each(DIALECTS)('a barge-in the drop overtakes (%s)', (dialect) => {
  it('interrupt() waiting for the cancelled response when the socket drops: the answer is cut where it was heard', async () => {
    const s = setup(
      dialect,
      { random: () => 0, reconnect: { backoff: () => 1000 } },
      { pacing: { realtimeFactor: 1 } },
    );
    const session = await openSession(s);
    const reconnected: ReconnectedEvent[] = [];
    session.on('reconnected', (e) => reconnected.push(e));
    s.server.queueResponse((ctx) => ctx.say(SAID));
    const response = await session.response.generate();
    await s.clock.advanceAsync(1200);
    const content = response.output[0]!.content[0]!;
    session.playback.played(content, 1000);
    const interrupting = session.interrupt();
    // the cancel is written, but the socket drops before the server answers it
    s.server.close(1006, 'network');
    await s.settle();
    const itemId = content.itemId;
    await expect(interrupting).resolves.toMatchObject({
      cancelledResponseId: response.id,
      truncated: { itemId, contentIndex: 0, audioEndMs: 1000, deleted: false },
    });
    await s.clock.advanceAsync(1000);
    expect(reconnected).toMatchObject([{ restoredItems: 1, cutOffItemIds: [itemId] }]);
    // 1300 ms and 22 characters received when the socket dropped; 1000 ms of them heard
    expect(content).toMatchObject({ text: 'one two three four fiv', audioDurationMs: 1300 });
    expect(serverTexts(s)).toMatchObject([
      { id: itemId, content: [{ type: 'text', text: 'one two three...' }] },
    ]);
    await session.close();
  });
});
