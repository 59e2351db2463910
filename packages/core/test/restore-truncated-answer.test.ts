/**
 * A barge-in truncate leaves the server with the answer's audio up to `audio_end_ms` and no text
 * (protocol.md §7.7). A fresh session after a drop or a rollover cannot take assistant audio, so
 * without help the model would forget what it had said before it was interrupted. The restore
 * re-creates such an answer as the text that was heard (`reconnect.truncatedAnswers: 'heard'`).
 */
import type { RealtimeModelOptions, RealtimeSession } from '../src/index.js';
import { describe, expect, it } from 'vitest';
import { heardText } from '../src/conversation/heard-text.js';
import { conversationItemToChatItem } from '../src/conversation/items.js';
import type { ReconnectedEvent } from '../src/index.js';
import { DIALECTS, openSession, setup, type Setup } from './helpers.js';

// 48 characters: the fake speaks 60 ms per character, so 2880 ms of audio
const SAID = 'one two three four five six seven eight nine ten';

async function cutAnswer(
  dialect: (typeof DIALECTS)[number],
  audioEndMs: number,
  options: Partial<RealtimeModelOptions> = {},
): Promise<{ s: Setup; session: RealtimeSession; itemId: string }> {
  const s = setup(dialect, { random: () => 0, ...options });
  const session = await openSession(s);
  s.server.queueResponse((ctx) => ctx.say(SAID));
  const response = await session.response.generate();
  await s.settle();
  expect(response.status).toBe('completed');
  const content = response.output[0]!.content[0]!;
  expect(content.audioDurationMs).toBe(2880);
  const itemId = content.itemId;
  await Promise.all([
    session.conversation.item.truncate({ itemId, contentIndex: 0, audioEndMs }),
    s.settle(),
  ]);
  return { s, session, itemId };
}

async function dropAndRestore(s: Setup, session: RealtimeSession): Promise<ReconnectedEvent> {
  let reconnected: ReconnectedEvent | undefined;
  session.on('reconnected', (e) => (reconnected = e));
  s.server.close(1006, 'network');
  await s.clock.advanceAsync(5000);
  expect(session.connectionState.status).toBe('open');
  return reconnected!;
}

function restoredCreates(s: Setup, from: number): unknown[] {
  return s.server.clientEvents
    .slice(from)
    .filter((e) => (e as { type: string }).type === 'conversation.item.create')
    .map((e) => (e as { item: unknown }).item);
}

describe.each(DIALECTS)('a truncated answer across a reconnect (%s)', (dialect) => {
  it('is re-created as the text that was heard, and the mirror and server hold that text', async () => {
    const { s, session, itemId } = await cutAnswer(dialect, 1440);
    const before = s.server.clientEvents.length;
    const event = await dropAndRestore(s, session);
    expect(event).toMatchObject({ restoredItems: 1, skippedItems: 0 });
    const [item] = restoredCreates(s, before);
    // the fake records client events in GA form, whichever dialect carried them
    const text = 'output_text';
    expect(item).toMatchObject({
      id: itemId,
      role: 'assistant',
      content: [{ type: text, text: 'one two three four five...' }],
    });
    expect(session.chatCtxCopy().items).toMatchObject([
      {
        id: itemId,
        role: 'assistant',
        content: [{ type: 'text', text: 'one two three four five...' }],
      },
    ]);
    expect(s.server.conversation.map((i) => conversationItemToChatItem(i as never))).toMatchObject([
      { id: itemId, content: [{ type: 'text', text: 'one two three four five...' }] },
    ]);
    // a second reconnect re-creates the same text (the truncation is not applied twice)
    const again = s.server.clientEvents.length;
    await dropAndRestore(s, session);
    expect(restoredCreates(s, again)).toMatchObject([
      { id: itemId, content: [{ type: text, text: 'one two three four five...' }] },
    ]);
    await session.close();
  });

  it("with truncatedAnswers: 'skip' the answer is left out, as before", async () => {
    const { s, session, itemId } = await cutAnswer(dialect, 1440, {
      reconnect: { truncatedAnswers: 'skip' },
    });
    const before = s.server.clientEvents.length;
    const event = await dropAndRestore(s, session);
    expect(event).toMatchObject({ restoredItems: 0, skippedItems: 1 });
    expect(restoredCreates(s, before)).toEqual([]);
    expect(session.chatCtxCopy().items.map((i) => i.id)).not.toContain(itemId);
    await session.close();
  });

  it('is left out when less than one word was heard', async () => {
    const early = await cutAnswer(dialect, 100);
    const before = early.s.server.clientEvents.length;
    expect(await dropAndRestore(early.s, early.session)).toMatchObject({ skippedItems: 1 });
    expect(restoredCreates(early.s, before)).toEqual([]);
    await early.session.close();
  });

  it('with maxRetainedResponses: 0 too: the heard text is taken when the truncation is confirmed', async () => {
    // the newest answer with audio is kept for a barge-in (interrupt-retention.test.ts), and
    // the text heard is captured at conversation.item.truncated: a later answer does not lose it
    const { s, session, itemId } = await cutAnswer(dialect, 1440, { maxRetainedResponses: 0 });
    s.server.queueResponse((ctx) => ctx.say('a later answer'));
    await session.response.generate();
    await s.settle();
    const before = s.server.clientEvents.length;
    expect(await dropAndRestore(s, session)).toMatchObject({ restoredItems: 2, skippedItems: 0 });
    expect(restoredCreates(s, before)).toMatchObject([
      { id: itemId, content: [{ text: 'one two three four five...' }] },
      { content: [{ text: 'a later answer' }] },
    ]);
    await session.close();
  });

  it('keeps the text heard from the truncation on, after its response is no longer retained', async () => {
    // a long call: more answers follow the cut one before the rollover than the session retains
    const { s, session, itemId } = await cutAnswer(dialect, 1440, { maxRetainedResponses: 1 });
    s.server.queueResponse((ctx) => ctx.say('later'));
    await Promise.all([session.response.generate(), s.settle()]);
    expect(session.responses.some((r) => r.output.some((o) => o?.itemId === itemId))).toBe(false);
    const before = s.server.clientEvents.length;
    expect(await dropAndRestore(s, session)).toMatchObject({ restoredItems: 2, skippedItems: 0 });
    expect(restoredCreates(s, before)).toMatchObject([
      { id: itemId, content: [{ text: 'one two three four five...' }] },
      { role: 'assistant', content: [{ text: 'later' }] },
    ]);
    // the next restore re-creates the text the mirror now holds
    const again = s.server.clientEvents.length;
    await dropAndRestore(s, session);
    expect(restoredCreates(s, again)).toMatchObject([
      { id: itemId, content: [{ text: 'one two three four five...' }] },
      { content: [{ text: 'later' }] },
    ]);
    await session.close();
  });

  it('all of it, when all of its audio was played', async () => {
    const { s, session, itemId } = await cutAnswer(dialect, 5000);
    const before = s.server.clientEvents.length;
    await dropAndRestore(s, session);
    expect(restoredCreates(s, before)).toMatchObject([{ id: itemId, content: [{ text: SAID }] }]);
    await session.close();
  });
});

describe('heardText', () => {
  it('takes the played share of the characters, back to the last whole word, marked as cut off', () => {
    expect(heardText(SAID, 1440, 2880)).toBe('one two three four five...');
    // the share ends on a space: the word before it was heard whole
    expect(heardText('ab cd', 2, 5)).toBe('ab...');
    // inside the second word: only the first
    expect(heardText('ab cd', 4, 5)).toBe('ab...');
    expect(heardText('  padded text  ', 1, 1)).toBe('padded text');
  });

  it('gives nothing for nothing heard, no whole word, or no audio; all when all was heard', () => {
    expect(heardText(SAID, 0, 2880)).toBe('');
    expect(heardText(SAID, 50, 2880)).toBe('');
    expect(heardText(SAID, 100, 0)).toBe('');
    expect(heardText(SAID, Number.NaN, 2880)).toBe('');
    expect(heardText('', 100, 200)).toBe('');
    expect(heardText(SAID, 2880, 2880)).toBe(SAID);
    expect(heardText(SAID, 9999, 2880)).toBe(SAID);
  });
});
