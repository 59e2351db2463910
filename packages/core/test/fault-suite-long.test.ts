/**
 * The fault suite, part 2: a simulated hour with audio both ways and hundreds of responses ends
 * with every retained structure where it began; random server faults and random client calls
 * (fast-check) keep the engine's invariants.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdirSync, appendFileSync } from 'node:fs';
import { openSession, setup } from './helpers.js';
import { mirrorView, serverView } from './fault-helpers.js';
import { randomOps, runRandomOps } from './fault-random.js';

/** Retained heap growth allowed over the simulated hour, MB (measured after a full gc). */
const HEAP_BOUND_MB = 16;
const frame = (ms: number) => ({
  data: new Int16Array((24000 * ms) / 1000).fill(800),
  sampleRate: 24000,
  channels: 1,
});

describe('long sessions and random faults', () => {
  it('a simulated hour (audio both ways, hundreds of responses, one rollover) ends with memory where it began', async () => {
    // the fake keeps no copy of the hour of appended audio: the heap bound measures the engine
    const s = setup(
      'ga',
      { random: () => 0 },
      { transcribe: () => 'tell me something', recordAudioAppends: false },
    );
    const session = await openSession(s, { turnDetection: null });
    session.on('error', () => undefined);
    let frames = 0;
    session.on('response_content_added', (c) => {
      void (async () => {
        for await (const _ of c.audioStream) frames++;
      })();
    });
    const sizes = () => {
      const st = session.stats;
      return {
        queued: st.queued,
        pending: st.pendingRequests,
        active: st.activeResponses,
        timers: s.clock.pendingTimers,
      };
    };
    const baseline = sizes();
    // vitest.config.ts runs the workers with --expose-gc: without it the heap reading is noise
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc)
      throw new Error(
        'global.gc is missing: run this file with --expose-gc (execArgv in packages/core/vitest.config.ts)',
      );
    const heapUsed = () => {
      // twice: the first pass can leave objects that only become unreachable after finalizers ran
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    const heapBefore = heapUsed();
    let responses = 0;
    for (let second = 0; second < 3600; second += 10) {
      for (let t = 0; t < 10_000; t += 200) {
        session.inputAudioBuffer.append(frame(200));
        await s.clock.advanceAsync(200);
      }
      session.inputAudioBuffer.commit();
      const done = new Promise((resolve) => session.once('response_done', resolve));
      void session.response.create();
      await s.settle();
      await done;
      responses++;
      // the app keeps the last turns only, as a long-running assistant would
      const ids = session.chatCtxCopy().items.map((i) => i.id);
      for (const id of ids.slice(0, Math.max(0, ids.length - 8)))
        await Promise.all([session.conversation.item.delete({ itemId: id }), s.settle()]);
    }
    await s.settle();
    expect(responses).toBe(360);
    expect(frames).toBeGreaterThan(360);
    expect(session.stats.rollovers).toBe(1);
    expect(sizes()).toEqual(baseline);
    expect(session.stats.retainedResponses).toBeLessThanOrEqual(16);
    expect(session.stats.recentEventIds).toBeLessThanOrEqual(1024);
    expect(session.stats.mirrorItems).toBeLessThanOrEqual(10);
    expect(mirrorView(session)).toEqual(serverView(s));
    const growth = heapUsed() - heapBefore;
    mkdirSync('test-results', { recursive: true });
    appendFileSync(
      'test-results/fault-long.part.md',
      `- simulated hour: ${responses} responses, ${frames} output audio frames, 1 rollover, retained heap growth ${(growth / 1e6).toFixed(1)} MB (after gc; bound ${HEAP_BOUND_MB} MB)\n`,
    );
    // an hour of audio both ways is ~170 MB through the engine: a leak of even a fraction of it
    // per turn would cross this generous bound, while allocator noise stays far below it
    expect(growth / 1e6).toBeLessThan(HEAP_BOUND_MB);
    await session.close();
  }, 120_000);

  it("random server faults and random client calls: every promise settles, streams end, the mirror stays the server's", async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(randomOps, async (ops) => {
        const s = setup('ga', { random: () => 0 });
        const session = await openSession(s, { modalities: ['text'] });
        const { promises, streams } = await runRandomOps(s, session, ops);
        expect(session.connectionState.status).toBe('open');
        expect(promises.every((p) => p.settled)).toBe(true);
        expect(streams.every((f) => f.done)).toBe(true);
        expect(mirrorView(session)).toEqual(serverView(s));
        expect(session.stats.activeResponses).toBe(0);
        // nothing else left behind: no response handler threw, no scripted step went unused
        s.server.assertComplete();
        await session.close();
        expect(promises.every((p) => p.settled)).toBe(true);
        runs++;
      }),
      { numRuns: 60, seed: 8 },
    );
    mkdirSync('test-results', { recursive: true });
    appendFileSync(
      'test-results/fault-long.part.md',
      `- property runs (random server faults × random client calls): ${runs}, invariants held\n`,
    );
  }, 120_000);
});
