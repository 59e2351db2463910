import { createCounterIdGenerator } from '@voxwire/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChatItem, ChatSyncExecutor } from '../src/conversation/index.js';
import {
  ChatSyncError,
  ConversationMirror,
  audioContent,
  chatContext,
  executeChatSyncPlan,
  planChatContextSync,
  userMessage,
} from '../src/conversation/index.js';
import { sameChatItem } from '../src/conversation/same.js';

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const mirrorOf = (...ids: string[]) => {
  const mirror = new ConversationMirror();
  for (const id of ids) mirror.append(userMessage(id, id));
  return mirror;
};

/** An executor that applies operations to a mirror standing in for the server, acknowledging each at once. */
function fakeServer(server: ConversationMirror): ChatSyncExecutor & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    createItem(item: ChatItem, previousItemId: string | null) {
      log.push(`create ${item.id} after ${previousItemId ?? 'root'}`);
      server.insertAfter(previousItemId, item);
      return Promise.resolve();
    },
    deleteItem(itemId: string) {
      log.push(`delete ${itemId}`);
      server.delete(itemId);
      return Promise.resolve();
    },
  };
}

describe('planChatContextSync', () => {
  it('plans deletes before creates, with predecessors (root as null)', () => {
    const plan = planChatContextSync(
      mirrorOf('a', 'b', 'c', 'd'),
      chatContext(['x', 'a', 'd', 'c', 'b'].map((id) => userMessage(id, id))),
    );
    expect(
      plan.operations.map((op) =>
        op.kind === 'delete' ? `-${op.itemId}` : `+${op.item.id}@${op.previousItemId}`,
      ),
    ).toEqual(['-c', '-d', '+x@null', '+d@a', '+c@d']);
    expect(plan.expectedIds).toEqual(['x', 'a', 'd', 'c', 'b']);
    expect(plan.audioHint).toBeUndefined();
  });

  it('is empty for a no-op, for a mirror or a chat context as the current state', () => {
    expect(
      planChatContextSync(mirrorOf('a', 'b'), mirrorOf('a', 'b').toChatContext()).operations,
    ).toEqual([]);
    expect(
      planChatContextSync(
        chatContext([userMessage('a', 'a')]),
        chatContext([userMessage('a', 'a')]),
      ).operations,
    ).toEqual([]);
  });

  it('skips empty messages unless they are already on the server', () => {
    const empty = { type: 'message' as const, id: 'e', role: 'assistant' as const, content: [] };
    expect(
      planChatContextSync(mirrorOf('a'), chatContext([userMessage('a', 'a'), empty])).operations,
    ).toEqual([]);
    const mirror = mirrorOf('a');
    mirror.append(empty);
    expect(planChatContextSync(mirror, mirror.toChatContext()).operations).toEqual([]);
  });

  it('appends the audio-mode hint when only text is added, after the last item', () => {
    const plan = planChatContextSync(
      mirrorOf('a'),
      chatContext([userMessage('a', 'a'), userMessage('b', 'b')]),
      {
        audioModeHint: { durationMs: 500 },
        generateId: createCounterIdGenerator('t'),
        sampleRate: 16_000,
      },
    );
    expect(plan.audioHint?.id).toBe('item_0001_t');
    expect(plan.audioHint?.content[0]).toMatchObject({
      type: 'audio',
      transcript: null,
      audio: { sampleRate: 16_000 },
    });
    expect((plan.audioHint?.content[0] as { audio: { data: Int16Array } }).audio.data).toEqual(
      new Int16Array(8000),
    );
    expect(plan.operations.at(-1)).toMatchObject({ kind: 'create', previousItemId: 'b' });
    expect(plan.expectedIds).toEqual(['a', 'b', 'item_0001_t']);
  });

  it('adds no hint when audio is among the additions, when nothing is added, or when off', () => {
    const generateId = createCounterIdGenerator();
    const withAudio = chatContext([
      userMessage('v', [
        audioContent({ data: new Int16Array(2), sampleRate: 24_000, channels: 1 }),
      ]),
    ]);
    expect(
      planChatContextSync(mirrorOf(), withAudio, { audioModeHint: true, generateId }).audioHint,
    ).toBeUndefined();
    expect(
      planChatContextSync(mirrorOf('a', 'b'), chatContext([userMessage('a', 'a')]), {
        audioModeHint: true,
        generateId,
      }).audioHint,
    ).toBeUndefined();
    expect(
      planChatContextSync(mirrorOf(), chatContext([userMessage('a', 'a')])).audioHint,
    ).toBeUndefined();
    expect(() =>
      planChatContextSync(mirrorOf(), chatContext([userMessage('a', 'a')]), {
        audioModeHint: true,
      }),
    ).toThrow(/generateId/);
  });

  it('replaces an item whose content changed when isSame compares content', () => {
    const plan = planChatContextSync(
      mirrorOf('a', 'b'),
      chatContext([userMessage('a', 'a'), userMessage('b', 'changed')]),
      {
        isSame: (x, y) => JSON.stringify(x) === JSON.stringify(y),
      },
    );
    expect(plan.operations.map((op) => op.kind)).toEqual(['delete', 'create']);
  });
});

describe('executeChatSyncPlan', () => {
  it.each([
    ['inserts', ['a', 'b'], ['x', 'a', 'y', 'b', 'z']],
    ['deletes', ['a', 'b', 'c'], ['b']],
    ['reorders', ['a', 'b', 'c', 'd'], ['d', 'c', 'b', 'a']],
    ['no-op', ['a', 'b'], ['a', 'b']],
  ])('%s: the server ends equal to the new context', async (_name, before, after) => {
    const server = mirrorOf(...before);
    const client = mirrorOf(...before);
    const plan = planChatContextSync(client, chatContext(after.map((id) => userMessage(id, id))));
    await executeChatSyncPlan(plan, fakeServer(server));
    expect(server.ids()).toEqual(after);
  });

  it('sends every operation before waiting and resolves only when all are acknowledged', async () => {
    const acks = new Map<string, ReturnType<typeof deferred<unknown>>>();
    const sent: string[] = [];
    const executor: ChatSyncExecutor = {
      createItem: (item) => (
        sent.push(item.id),
        acks.set(item.id, deferred<unknown>()).get(item.id)!.promise
      ),
      deleteItem: (id) => (sent.push(id), acks.set(id, deferred<unknown>()).get(id)!.promise),
    };
    const plan = planChatContextSync(
      mirrorOf('a'),
      chatContext([userMessage('b', 'b'), userMessage('c', 'c')]),
    );
    let done = false;
    const running = executeChatSyncPlan(plan, executor).then(() => (done = true));
    expect(sent).toEqual(['a', 'b', 'c']);
    acks.get('a')!.resolve(undefined);
    acks.get('c')!.resolve(undefined);
    await Promise.resolve();
    expect(done).toBe(false);
    acks.get('b')!.resolve(undefined);
    await running;
    expect(done).toBe(true);
  });

  it('rejects with every failure after all operations settled', async () => {
    const refusal = new Error('server refused');
    const executor: ChatSyncExecutor = {
      createItem: (item) => (item.id === 'c' ? Promise.reject(refusal) : Promise.resolve()),
      deleteItem: () => {
        throw new Error('socket closed');
      },
    };
    const plan = planChatContextSync(
      mirrorOf('a'),
      chatContext([userMessage('b', 'b'), userMessage('c', 'c')]),
    );
    const error = await executeChatSyncPlan(plan, executor).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChatSyncError);
    const sync = error as ChatSyncError;
    expect(sync.code).toBe('CHAT_SYNC_FAILED');
    expect(sync.succeeded).toBe(1);
    expect(sync.failures.map((f) => f.operation)).toEqual([
      { kind: 'delete', itemId: 'a' },
      { kind: 'create', itemId: 'c', previousItemId: 'b' },
    ]);
    expect(sync.failures[1]!.error).toBe(refusal);
    expect(sync.message).toMatch(/2 of 3 operations failed; first: delete a: socket closed/);
  });
});

describe('planChatContextSync (property)', () => {
  /** Longest common subsequence of two id lists, by DP: the most items that can stay. */
  function lcs(a: readonly string[], b: readonly string[]): number {
    const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++)
        dp[i]![j] =
          a[i - 1] === b[j - 1] ? dp[i - 1]![j - 1]! + 1 : Math.max(dp[i - 1]![j]!, dp[i]![j - 1]!);
    return dp[a.length]![b.length]!;
  }

  it('applied to the server, the plan gives the new list, with the fewest operations, edits and empty messages included', async () => {
    // an item: id, text version (an edit changes it), and whether the context hands it in empty
    const entry = fc.record({
      id: fc.constantFrom(...'abcdefghij'.split('')),
      version: fc.integer({ min: 0, max: 2 }),
      empty: fc.boolean(),
    });
    const list = fc.uniqueArray(entry, { maxLength: 8, selector: (e) => e.id });
    await fc.assert(
      fc.asyncProperty(list, list, async (oldEntries, newEntries) => {
        const server = new ConversationMirror();
        for (const e of oldEntries) server.append(userMessage(e.id, `${e.id}${e.version}`));
        const onServer = new Map(oldEntries.map((e) => [e.id, e]));
        const next = newEntries.map((e) =>
          e.empty
            ? ({ type: 'message', id: e.id, role: 'user', content: [] } as ChatItem)
            : userMessage(e.id, `${e.id}${e.version}`),
        );
        const plan = planChatContextSync(server, chatContext(next), { isSame: sameChatItem });
        // what the server must hold: every non-empty item as given; an empty one only when the
        // server has it, and then as the server has it
        const expected = newEntries.flatMap((e) => {
          const old = onServer.get(e.id);
          if (!e.empty) return [`${e.id}${e.version}`];
          return old ? [`${e.id}${old.version}`] : [];
        });
        expect(plan.expectedIds).toEqual(expected.map((t) => t[0]));
        await executeChatSyncPlan(plan, fakeServer(server));
        const texts = server
          .items()
          .map((item) =>
            item.type === 'message' && item.content[0]?.type === 'text'
              ? item.content[0].text
              : '?',
          );
        expect(texts).toEqual(expected);
        // minimal: only items unchanged in content can stay, in order
        const oldTexts = oldEntries.map((e) => `${e.id}${e.version}`);
        expect(plan.operations.length).toBe(
          oldTexts.length + expected.length - 2 * lcs(oldTexts, expected),
        );
      }),
      { numRuns: 300, seed: 20261127 },
    );
  });
});
