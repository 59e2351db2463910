/**
 * `interruptFromPage` on a recording stand-in for core's session: what it asks `interrupt()`.
 */
import type { InterruptOptions, InterruptResult } from '@voxwire/core';
import { describe, expect, it } from 'vitest';
import { interruptFromPage } from '../src/server/page-interrupt.js';
import type { ItemCut } from '../src/server/page-interrupt.js';

interface Deferred {
  options: InterruptOptions | undefined;
  resolve: (result: InterruptResult) => void;
  reject: (reason: unknown) => void;
}

function recordingSession(): {
  calls: Deferred[];
  session: { interrupt: (options?: InterruptOptions) => Promise<InterruptResult> };
} {
  const calls: Deferred[] = [];
  return {
    calls,
    session: {
      interrupt: (options) =>
        new Promise<InterruptResult>((resolve, reject) => calls.push({ options, resolve, reject })),
    },
  };
}

/** Lets the function under test run on past the promises just settled. */
async function settled(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

const nothing: InterruptResult = {
  cancelledResponseId: undefined,
  truncated: undefined,
  deletedItemIds: [],
};

describe('interruptFromPage', () => {
  it('nothing playing on the page: says so to core (at: null), never leaving it to the clock estimate', async () => {
    const { calls, session } = recordingSession();
    const done = interruptFromPage(session, true, [], () => undefined);
    expect(calls.map((c) => c.options)).toEqual([{ cancel: true, at: null }]);
    calls[0]!.resolve(nothing);
    await done;
  });

  it('cuts the other items after the first call, skipping the answers it deleted, and reports each cut', async () => {
    const { calls, session } = recordingSession();
    const cuts: ItemCut[] = [];
    const done = interruptFromPage(
      session,
      true,
      [
        // an earlier answer, played in part; the answer playing; one queued behind it
        { itemId: 'item_c', playedMs: 40 },
        { itemId: 'item_a', playedMs: 80 },
        { itemId: 'item_b', contentIndex: 0, playedMs: 0 },
      ],
      (cut) => cuts.push(cut),
    );
    expect(calls.map((c) => c.options)).toEqual([
      { cancel: true, at: { itemId: 'item_a', contentIndex: 0, playedMs: 80 } },
    ]);
    // the cancelled response's unheard answer item_b is deleted by the first call
    calls[0]!.resolve({
      cancelledResponseId: 'resp_1',
      truncated: { itemId: 'item_a', contentIndex: 0, audioEndMs: 80, deleted: false },
      deletedItemIds: ['item_b'],
    });
    await settled();
    expect(calls.map((c) => c.options)).toEqual([
      { cancel: true, at: { itemId: 'item_a', contentIndex: 0, playedMs: 80 } },
      { cancel: false, at: { itemId: 'item_c', contentIndex: 0, playedMs: 40 } },
    ]);
    calls[1]!.resolve({
      ...nothing,
      truncated: { itemId: 'item_c', contentIndex: 0, audioEndMs: 40, deleted: false },
    });
    await done;
    expect(cuts).toEqual([
      { itemId: 'item_a', audioEndMs: 80, deleted: false },
      { itemId: 'item_b', audioEndMs: 0, deleted: true },
      { itemId: 'item_c', audioEndMs: 40, deleted: false },
    ]);
  });

  it('a refused cut does not stop the others; the first refusal is what it rejects with', async () => {
    const { calls, session } = recordingSession();
    const cuts: ItemCut[] = [];
    const done = interruptFromPage(
      session,
      false,
      [
        { itemId: 'item_b', playedMs: 10 },
        { itemId: 'item_c', playedMs: 20 },
        { itemId: 'item_a', playedMs: 80 },
      ],
      (cut) => cuts.push(cut),
    );
    calls[0]!.resolve(nothing);
    await settled();
    const refused = new Error('refused');
    calls[1]!.reject(refused);
    await settled();
    expect(calls.map((c) => c.options?.at)).toEqual([
      { itemId: 'item_a', contentIndex: 0, playedMs: 80 },
      { itemId: 'item_b', contentIndex: 0, playedMs: 10 },
      { itemId: 'item_c', contentIndex: 0, playedMs: 20 },
    ]);
    calls[2]!.resolve({
      ...nothing,
      truncated: { itemId: 'item_c', contentIndex: 0, audioEndMs: 20, deleted: false },
    });
    await expect(done).rejects.toBe(refused);
    expect(cuts).toEqual([{ itemId: 'item_c', audioEndMs: 20, deleted: false }]);
  });
});
