/**
 * The fault suite, part 3: duplicated and reordered server events, at every position of a text,
 * an audio and a function-call response (and its follow-up), GA and beta.
 *
 * - Duplicated (same frame twice, same `event_id`): applied once. The app sees exactly what a
 *   clean run shows: the same responses done once each, the same text, the same audio duration,
 *   each tool run once and answered once; `stats.duplicateEvents` counts the copy.
 * - Reordered (a frame swapped with the next one; when none follows because the client waits for
 *   it, the frame arrives 50 ms late instead): the session goes on. What cannot be applied
 *   out of order is a typed `PROTOCOL_VIOLATION`, never a crash or an unhandled rejection; every
 *   promise settles, every stream ends, no response stays in progress, every function call the
 *   server holds is answered exactly once, the mirror equals the server's conversation, and the
 *   next request is served.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createCounterIdGenerator, type Dialect } from '@voxwire/protocol';
import { createFakeServer, SimulatedClock } from '@voxwire/testing';
import { VoxwireError, type SessionError } from '../src/errors.js';
import { RealtimeModel } from '../src/model.js';
import type { RealtimeResponse } from '../src/responses/tree.js';
import type { RealtimeSession } from '../src/session.js';
import {
  expectNextTurnServed,
  expectNothingInFlight,
  mirrorView,
  serverView,
  watch,
  weatherTool,
  type Kind,
} from './fault-helpers.js';
import { shuffler, type Disturbance, type Shuffler } from './fault-shuffle.js';
import { captureLogger, DIALECTS, type Setup } from './helpers.js';

const KINDS: readonly Kind[] = ['text', 'audio', 'function_call'];
const totals = { scenarios: 0, faults: 0, itemsLost: 0, violations: 0, duplicatesDropped: 0 };

interface Run {
  s: Setup;
  shuffle: Shuffler;
  session: RealtimeSession;
  errors: SessionError[];
  done: RealtimeResponse[];
  executions: number;
  streamsOpen(): number;
  promises: { readonly settled: boolean }[];
}

async function start(dialect: Dialect, kind: Kind): Promise<Run> {
  const clock = new SimulatedClock({ microtaskRounds: 400 });
  const { connector, server } = createFakeServer({
    dialect,
    clock,
    transcribe: () => 'What is the weather in Paris?',
  });
  const shuffle = shuffler(connector, clock);
  const { logger, lines } = captureLogger();
  const run = { executions: 0 } as Run;
  const tool = {
    ...weatherTool,
    execute: (args: { location: string }, ctx: Parameters<typeof weatherTool.execute>[1]) => (
      run.executions++,
      weatherTool.execute(args, ctx)
    ),
  };
  const model = new RealtimeModel({
    connector: shuffle.connector,
    clock,
    logger,
    generateId: createCounterIdGenerator('t'),
    random: () => 0,
    tools: kind === 'function_call' ? [tool] : [],
  });
  const s: Setup = { clock, server, model, logs: lines, settle: () => clock.advanceAsync(0) };
  const session = model.session({ modalities: kind === 'text' ? ['text'] : ['text', 'audio'] });
  const errors: SessionError[] = [];
  session.on('error', (e) => errors.push(e));
  const done: RealtimeResponse[] = [];
  session.on('response_done', (r) => done.push(r));
  const streams: { done: boolean }[] = [];
  session.on('response_content_added', (c) => {
    for (const it of [c.textStream, c.audioStream]) {
      const flag = { done: false };
      streams.push(flag);
      void (async () => {
        for await (const _ of it as AsyncIterable<unknown>) void _;
        flag.done = true;
      })();
    }
  });
  await s.settle();
  Object.assign(run, {
    s,
    shuffle,
    session,
    errors,
    done,
    streamsOpen: () => streams.filter((f) => !f.done).length,
    promises: [],
  });
  const turn = session.conversation.item.create({
    role: 'user',
    content: 'What is the weather in Paris?',
  });
  run.promises.push(watch(turn));
  await s.settle();
  return run;
}

/** What the app saw of the responses: status, text, audio duration, per response_done. */
const seen = (run: Run) =>
  run.done.map((r) => ({
    status: r.status,
    text: r.text,
    audioMs: r.output.reduce(
      (sum, o) => sum + o.content.reduce((n, c) => n + c.audioDurationMs, 0),
      0,
    ),
  }));

async function respond(run: Run): Promise<void> {
  run.promises.push(watch(run.session.response.create()));
  await run.s.settle();
  await run.s.clock.advanceAsync(1000);
}

async function reference(
  dialect: Dialect,
  kind: Kind,
): Promise<{ frames: number; seen: ReturnType<typeof seen>; executions: number }> {
  const run = await start(dialect, kind);
  run.shuffle.count();
  await respond(run);
  const out = { frames: run.shuffle.seen, seen: seen(run), executions: run.executions };
  await run.session.close();
  return out;
}

/** Every function_call on the server has exactly one output. */
function unanswered(run: Run): unknown[] {
  const conv = run.s.server.conversation;
  const outputs = conv.filter((i) => i['type'] === 'function_call_output').map((i) => i['call_id']);
  expect([...outputs].sort()).toEqual([...new Set(outputs)].sort());
  return conv
    .filter((i) => i['type'] === 'function_call' && !outputs.includes(i['call_id']))
    .map((i) => i['call_id']);
}

async function invariants(run: Run, where: string): Promise<void> {
  const { s, session } = run;
  expect(session.connectionState.status, where).toBe('open');
  expect(session.stats.reconnects, where).toBe(0);
  expectNothingInFlight(run, where);
  const mirrored = new Set(session.chatCtxCopy().items.map((i) => i.id));
  const lost = s.server.conversation.filter((i) => !mirrored.has(String(i['id'])));
  totals.itemsLost += lost.length;
  expect(mirrorView(session), where).toEqual(serverView(s));
  expect(unanswered(run), where).toEqual([]);
  // the session goes on: the very next request is served
  await expectNextTurnServed(run, where);
  expect(mirrorView(session), where).toEqual(serverView(s));
  await session.close();
  expect(s.clock.pendingTimers, where).toBe(0);
}

async function sweep(dialect: Dialect, kind: Kind, disturbance: Disturbance): Promise<void> {
  const ref = await reference(dialect, kind);
  expect(ref.frames).toBeGreaterThan(kind === 'text' ? 6 : 8);
  for (let index = 0; index < ref.frames; index++) {
    const run = await start(dialect, kind);
    run.shuffle.arm(index, disturbance);
    await respond(run);
    const where = `${dialect} ${kind} ${disturbance} at frame ${index} (${run.shuffle.disturbed.join(' ↔ ')})`;
    if (disturbance === 'duplicate') {
      // applied once: the app sees exactly the clean run
      expect(seen(run), where).toEqual(ref.seen);
      expect(run.executions, where).toBe(ref.executions);
      expect(run.session.stats.duplicateEvents, where).toBe(1);
      expect(run.errors, where).toEqual([]);
      totals.duplicatesDropped += run.session.stats.duplicateEvents;
    } else {
      // out of order: at most typed protocol errors; each call ran at most once
      for (const e of run.errors)
        expect(
          e instanceof VoxwireError && e.code === 'PROTOCOL_VIOLATION',
          `${where}: ${e.message}`,
        ).toBe(true);
      expect(run.executions, where).toBeLessThanOrEqual(ref.executions);
      totals.violations += run.errors.length;
    }
    await invariants(run, where);
    totals.scenarios++;
    totals.faults++;
  }
}

describe.each(DIALECTS)('duplicated and reordered server events (%s)', (dialect) => {
  for (const kind of KINDS) {
    it(`${kind} response: every frame delivered twice is applied once`, async () => {
      await sweep(dialect, kind, 'duplicate');
    });
    it(`${kind} response: every frame swapped with the next one; the session goes on`, async () => {
      await sweep(dialect, kind, 'swap');
    });
  }
});

afterAll(() => {
  mkdirSync('test-results', { recursive: true });
  const lines = [
    '## Duplicated and reordered server events (every frame of text, audio, function-call responses; GA and beta)',
    '',
    `- scenarios run: ${totals.scenarios}`,
    `- faults injected: ${totals.faults}`,
    `- items lost: ${totals.itemsLost}`,
    `- duplicate frames dropped: ${totals.duplicatesDropped}`,
    `- protocol violations reported for reordered frames (typed; the session went on): ${totals.violations}`,
  ];
  writeFileSync('test-results/fault-order.part.md', `${lines.join('\n')}\n`);
});
