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
        new Promise<InterruptResult>((resolve) => calls.push({ options, resolve })),
    },
  };
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

  it('asks core for every cut at once (core runs them in order), and reports each cut', async () => {
    const { calls, session } = recordingSession();
    const cuts: ItemCut[] = [];
    const done = interruptFromPage(
      session,
      false,
      [
        { itemId: 'item_a', playedMs: 80 },
        { itemId: 'item_b', contentIndex: 0, playedMs: 0 },
        { itemId: 'item_b', playedMs: 0 },
      ],
      (cut) => cuts.push(cut),
    );
    // both calls made before anything settled: their positions are taken now, in order
    expect(calls.map((c) => c.options)).toEqual([
      { cancel: false, at: { itemId: 'item_a', contentIndex: 0, playedMs: 80 } },
      { cancel: false, at: { itemId: 'item_b', contentIndex: 0, playedMs: 0 } },
    ]);
    calls[0]!.resolve({
      ...nothing,
      truncated: { itemId: 'item_a', contentIndex: 0, audioEndMs: 80, deleted: false },
    });
    calls[1]!.resolve({
      ...nothing,
      truncated: { itemId: 'item_b', contentIndex: 0, audioEndMs: 0, deleted: true },
    });
    await done;
    expect(cuts).toEqual([
      { itemId: 'item_a', audioEndMs: 80, deleted: false },
      { itemId: 'item_b', audioEndMs: 0, deleted: true },
    ]);
  });
});
