/**
 * `session.conversation.item.retrieve`: the one request that gets audio back from the server
 * (protocol.md §7.3). It resolves with the item as the server holds it, the mirror takes the
 * audio in, and every failure is a typed rejection.
 */
import { audioFrame, base64ToPcm16 } from '@voxwire/protocol';
import { describe, expect, it } from 'vitest';
import type { VoxwireError } from '../src/errors.js';
import { ServerError } from '../src/errors.js';
import { audioContent } from '../src/conversation/index.js';
import { DIALECTS, openSession, outcome, setup, type Setup } from './helpers.js';

const retrieves = (s: Setup) =>
  s.server.clientEvents.filter((e) => e['type'] === 'conversation.item.retrieve');

const samples = new Int16Array(2400).map((_, i) => ((i * 37) % 2000) - 1000);

describe.each(DIALECTS)('conversation.item.retrieve (%s)', (dialect) => {
  it("resolves with the server's item, audio included, and the mirror keeps the samples", async () => {
    // the mirror keeps no audio of sent items, so the samples can only come from the server
    const s = setup(dialect, { keepSentAudioMs: 0 });
    const session = await openSession(s);
    const created = outcome(
      session.conversation.item.create({
        id: 'said',
        role: 'user',
        content: [audioContent(audioFrame(samples))],
      }),
    );
    await s.settle();
    expect(created.error).toBeUndefined();
    const audioOf = () => {
      const item = session.chatCtxCopy().items.find((i) => i.id === 'said');
      const part = item?.type === 'message' ? item.content[0] : undefined;
      expect(part?.type).toBe('audio');
      return (part as { audio?: { data: Int16Array } }).audio?.data;
    };
    expect(audioOf()).toBeUndefined();

    const retrieved = outcome(session.conversation.item.retrieve({ itemId: 'said' }));
    await s.settle();
    expect(retrieved.error).toBeUndefined();
    const item = retrieved.value as { id?: string; content?: { audio?: string }[] };
    expect(item.id).toBe('said');
    expect([...base64ToPcm16(item.content![0]!.audio!)]).toEqual([...samples]);
    expect(retrieves(s)).toMatchObject([{ item_id: 'said' }]);

    expect([...(audioOf() ?? [])]).toEqual([...samples]);
    await session.close();
  });

  it("rejects with the server's error for an unknown id, and the session carries on", async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const missing = outcome(session.conversation.item.retrieve({ itemId: 'nope' }));
    await s.settle();
    expect(missing.error).toBeInstanceOf(ServerError);
    expect((missing.error as ServerError).param).toBe('item_id');
    // not a session error: the next request works
    const item = outcome(session.conversation.item.create({ role: 'user', content: 'still here' }));
    await s.settle();
    expect(item.error).toBeUndefined();
    await session.close();
  });

  it('refuses a malformed id before sending, times out unanswered, and settles on close', async () => {
    const s = setup(dialect, { requestTimeoutMs: 1_000 });
    const session = await openSession(s);
    await expect(session.conversation.item.retrieve({ itemId: '' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      data: { argument: 'itemId' },
    });
    await expect(
      session.conversation.item.retrieve(undefined as unknown as { itemId: string }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(retrieves(s)).toEqual([]);

    await session.conversation.item.create({ id: 'u1', role: 'user', content: 'hi' });
    s.server.faults.drop('conversation.item.retrieved');
    const late = outcome(session.conversation.item.retrieve({ itemId: 'u1' }));
    await s.clock.advanceAsync(999);
    expect(late.done).toBe(false);
    await s.clock.advanceAsync(1);
    expect((late.error as VoxwireError).code).toBe('TIMEOUT');

    s.server.faults.drop('conversation.item.retrieved', 2);
    const pending = outcome(session.conversation.item.retrieve({ itemId: 'u1' }));
    await s.settle();
    await session.close();
    await s.settle();
    expect((pending.error as VoxwireError).code).toBe('SESSION_CLOSED');
    await expect(session.conversation.item.retrieve({ itemId: 'u1' })).rejects.toMatchObject({
      code: 'SESSION_CLOSED',
    });
  });

  it('a retrieve the drop swallowed is sent again after the restore and resolves with the restored item', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s);
    await session.conversation.item.create({ id: 'u1', role: 'user', content: 'remember me' });
    await s.settle();
    // written at once; the connection drops before the answer
    s.server.faults.drop('conversation.item.retrieved');
    const retrieved = outcome(session.conversation.item.retrieve({ itemId: 'u1' }));
    await s.settle();
    s.server.close(1006, 'network');
    // fault rules apply on every connection: the next one answers
    s.server.faults.clear();
    await s.clock.advanceAsync(10_000);
    expect(session.connectionState.status).toBe('open');
    expect(retrieved.error).toBeUndefined();
    expect(retrieved.value).toMatchObject({ id: 'u1', type: 'message', role: 'user' });
    expect(retrieves(s)).toHaveLength(2);
    expect(session.stats.pendingRequests).toBe(0);
    await session.close();
  });
});

describe('retrieved item audio across an input format change', () => {
  it('is read in the format the server retrieved it in, not in a change it has not applied yet', async () => {
    const s = setup('ga');
    const session = await openSession(s, { turnDetection: null });
    await Promise.all([
      session.conversation.item.create({
        id: 'said',
        role: 'user',
        content: [audioContent(audioFrame(samples))],
      }),
      s.settle(),
    ]);
    // the retrieve goes first: the server answers in PCM16, before it applies the change
    const retrieved = outcome(session.conversation.item.retrieve({ itemId: 'said' }));
    const update = outcome(session.sessionUpdate({ inputAudioFormat: 'g711_ulaw' }));
    await s.settle();
    expect(retrieved.error).toBeUndefined();
    expect(update.error).toBeUndefined();
    const item = session.chatCtxCopy().items.find((i) => i.id === 'said');
    const part = item?.type === 'message' ? item.content[0] : undefined;
    const audio = (part as { audio?: { data: Int16Array; sampleRate: number } }).audio;
    expect(audio?.sampleRate).toBe(24_000);
    expect([...(audio?.data ?? [])]).toEqual([...samples]);
    await session.close();
  });
});
