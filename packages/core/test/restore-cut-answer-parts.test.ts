/**
 * An answer the drop cut off whose content parts the tracker did not all see: a lost
 * `response.content_part.added` leaves a gap before the part that carries the audio. The mirror
 * keeps each part at its `content_index` (what the server, `interrupt()` and the restore all
 * name it by), so the part after the gap is still retold, and still cut by an interruption
 * during the outage.
 */
import { describe, expect, it } from 'vitest';
import { conversationItemToChatItem } from '../src/conversation/items.js';
import type { ReconnectedEvent, RealtimeSession } from '../src/index.js';
import { DIALECTS, openSession, setup, type Setup } from './helpers.js';

const RESPONSE = 'resp_gap';
const ITEM = 'item_gap';
// 2000 ms of 24 kHz PCM16 silence
const TWO_SECONDS = Buffer.alloc(2 * 24_000 * 2).toString('base64');
const SAID = 'one two three four five six seven eight ';

interface Cut {
  s: Setup;
  session: RealtimeSession;
  reconnected: ReconnectedEvent[];
}

/**
 * An audio answer whose part 0 was never announced (its `content_part.added` lost) and whose
 * part 1 brought `SAID` and 2000 ms of audio, cut by a drop; the session is in the outage.
 */
async function cutWithGap(dialect: (typeof DIALECTS)[number]): Promise<Cut> {
  const s = setup(dialect, { random: () => 0, reconnect: { backoff: () => 1000 } });
  const session = await openSession(s);
  const reconnected: ReconnectedEvent[] = [];
  session.on('reconnected', (e) => reconnected.push(e));
  session.on('error', () => undefined);
  const item = {
    id: ITEM,
    object: 'realtime.item',
    type: 'message',
    role: 'assistant',
    status: 'in_progress',
    content: [],
  } as const;
  const at = { response_id: RESPONSE, item_id: ITEM, output_index: 0 };
  s.server.emit({
    type: 'response.created',
    response: { id: RESPONSE, object: 'realtime.response', status: 'in_progress', output: [] },
  });
  s.server.emit({
    type: 'response.output_item.added',
    response_id: RESPONSE,
    output_index: 0,
    item,
  });
  s.server.emit({ type: 'conversation.item.added', previous_item_id: null, item });
  // part 0's content_part.added never arrives
  s.server.emit({
    type: 'response.content_part.added',
    ...at,
    content_index: 1,
    part: { type: 'output_audio', transcript: '' },
  });
  s.server.emit({
    type: 'response.output_audio_transcript.delta',
    ...at,
    content_index: 1,
    delta: SAID,
  });
  s.server.emit({
    type: 'response.output_audio.delta',
    ...at,
    content_index: 1,
    delta: TWO_SECONDS,
  });
  await s.settle();
  s.server.close(1006, 'network');
  await s.settle();
  expect(session.connectionState.status).toBe('reconnecting');
  return { s, session, reconnected };
}

async function restore(cut: Cut): Promise<ReconnectedEvent> {
  await cut.s.clock.advanceAsync(1000);
  expect(cut.session.connectionState.status).toBe('open');
  return cut.reconnected.at(-1)!;
}

function serverTexts(s: Setup): unknown[] {
  return s.server.conversation.map((i) => conversationItemToChatItem(i as never));
}

describe.each(DIALECTS)('a cut answer with a part the tracker never saw (%s)', (dialect) => {
  it('the part after the gap keeps its content index in the mirror and is retold', async () => {
    const cut = await cutWithGap(dialect);
    const [message] = cut.session.chatCtxCopy().items;
    expect(message).toMatchObject({ id: ITEM, type: 'message' });
    // the part the tracker saw sits at its content index, the unknown one before it is empty
    expect(message?.type === 'message' && message.content).toEqual([
      { type: 'audio', transcript: null },
      { type: 'audio', transcript: SAID },
    ]);
    cut.session.playback.played({ itemId: ITEM, contentIndex: 1 }, 2000);
    expect(await restore(cut)).toMatchObject({ restoredItems: 1, cutOffItemIds: [ITEM] });
    const told = [
      { id: ITEM, content: [{ type: 'text', text: 'one two three four five six seven eight...' }] },
    ];
    expect(serverTexts(cut.s)).toMatchObject(told);
    expect(cut.session.chatCtxCopy().items).toMatchObject(told);
    await cut.session.close();
  });

  it('an interruption during the outage cuts the part after the gap where it was heard', async () => {
    const cut = await cutWithGap(dialect);
    cut.session.playback.played({ itemId: ITEM, contentIndex: 1 }, 1000);
    const interrupting = cut.session.interrupt();
    await cut.s.settle();
    await expect(interrupting).resolves.toMatchObject({
      truncated: { itemId: ITEM, contentIndex: 1, audioEndMs: 1000, deleted: false },
    });
    // played on to 2000 ms after the interruption: what counts is where it was cut
    cut.session.playback.played({ itemId: ITEM, contentIndex: 1 }, 2000);
    expect(await restore(cut)).toMatchObject({ restoredItems: 1, cutOffItemIds: [ITEM] });
    expect(serverTexts(cut.s)).toMatchObject([
      { id: ITEM, content: [{ type: 'text', text: 'one two three four...' }] },
    ]);
    await cut.session.close();
  });
});
