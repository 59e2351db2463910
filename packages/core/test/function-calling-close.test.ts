/**
 * What a running tool learns when the session closes: its `signal` aborts with a typed reason,
 * `VoxwireError('SESSION_CLOSED')`, as every pending promise of the session settles, so a tool
 * (or the app reading `function_calls_finished`) tells a close from its own time limit
 * (`TIMEOUT`) by `code`. Deterministic: the in-memory fake, the simulated clock.
 */
import { describe, expect, it } from 'vitest';
import { VoxwireError } from '../src/errors.js';
import type { SessionTool } from '../src/features/builtins.js';
import { ToolRunner } from '../src/tools/runner.js';
import type { CalledFunction } from '../src/tools/types.js';
import { DIALECTS, gate, openSession, setup } from './helpers.js';

describe.each(DIALECTS)('a tool running when the session closes (%s)', (dialect) => {
  it('its signal aborts with VoxwireError SESSION_CLOSED, and the call is reported aborted with that cause', async () => {
    const started = gate();
    let signal: AbortSignal | undefined;
    const wait: SessionTool = {
      name: 'wait',
      execute: (_args, context) => {
        signal = context.signal;
        started.open();
        return new Promise(() => undefined);
      },
    };
    const s = setup(dialect, { tools: [wait], toolTimeoutMs: 60_000 });
    s.server.queueResponse((ctx) => ctx.callFunction('wait', {}, { callId: 'call_w' }));
    const session = await openSession(s);
    const finished: (readonly CalledFunction[])[] = [];
    session.on('function_calls_finished', (c) => finished.push(c));
    await session.response.create();
    await s.settle();
    await started.promise;

    await session.close();
    await s.settle();
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(VoxwireError);
    expect(signal?.reason).toMatchObject({ code: 'SESSION_CLOSED' });
    const error = finished[0]?.[0]?.error;
    expect(error?.kind).toBe('aborted');
    expect(error?.cause).toMatchObject({ code: 'SESSION_CLOSED' });
  });
});

describe('ToolRunner.close()', () => {
  it('without a reason aborts the running calls with VoxwireError SESSION_CLOSED', async () => {
    let signal: AbortSignal | undefined;
    const runner = new ToolRunner({
      generateId: (kind) => `${kind}_1`,
      tools: [
        {
          name: 'wait',
          execute: (_args, context) => {
            signal = context.signal;
            return new Promise(() => undefined);
          },
        },
      ],
    });
    const round = runner.startRound({ responseId: 'resp_1', session: undefined });
    round.addCall({ id: 'item_1', call_id: 'call_1', name: 'wait', arguments: '{}' });
    await Promise.resolve();
    runner.close();
    const result = await round.finish();
    expect(signal?.reason).toMatchObject({ code: 'SESSION_CLOSED' });
    expect(result.finished[0]?.error?.cause).toBeInstanceOf(VoxwireError);
    expect(result.requestResponse).toBe(false);
  });

  // a tool that never settles (a fetch on a dead network, no toolTimeoutMs) keeps its round
  // unfinished until the session closes; a phone line open all day gathers many such rounds
  it('hung calls of many rounds all abort at close, with no listener per round (no MaxListenersExceededWarning)', async () => {
    const signals: AbortSignal[] = [];
    const runner = new ToolRunner({
      generateId: (kind) => `${kind}_1`,
      tools: [
        {
          name: 'hang',
          execute: (_args, context) => {
            signals.push(context.signal);
            return new Promise(() => undefined);
          },
        },
      ],
    });
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const results: Promise<unknown>[] = [];
      for (let i = 0; i < 30; i++) {
        const round = runner.startRound({ responseId: `resp_${i}`, session: undefined });
        round.addCall({ id: `item_${i}`, call_id: `call_${i}`, name: 'hang', arguments: '{}' });
        results.push(round.finish());
      }
      // a finished round is let go: closing later has nothing of it to abort
      const done = runner.startRound({ responseId: 'resp_done', session: undefined });
      await done.finish();
      await Promise.resolve();
      expect(signals).toHaveLength(30);
      expect(signals.some((signal) => signal.aborted)).toBe(false);
      runner.close();
      await Promise.all(results);
      expect(signals.every((signal) => signal.aborted)).toBe(true);
      // Node emits its warning on the next tick
      await new Promise<void>((resolve) => process.nextTick(resolve));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
      // a round started after the close is aborted at once
      const late = runner.startRound({ responseId: 'resp_late', session: undefined });
      late.addCall({ id: 'item_late', call_id: 'call_late', name: 'hang', arguments: '{}' });
      const result = await late.finish();
      expect(result.finished[0]?.error?.cause).toMatchObject({ code: 'SESSION_CLOSED' });
    } finally {
      process.off('warning', onWarning);
    }
  });
});
