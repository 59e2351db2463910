/**
 * Fault-suite helpers: scenario runs against the fake server with a cut at a chosen server
 * event, the invariants every run must keep, and the report written at the end of the suite.
 */
import { expect } from 'vitest';
import { z } from 'zod';
import type { Dialect } from '@voxwire/protocol';
import type { SessionError } from '../src/errors.js';
import type { RealtimeSession } from '../src/session.js';
import { defineTool } from '../src/tools/index.js';
import { setup, type Setup } from './helpers.js';

export type Kind = 'text' | 'audio' | 'function_call';

export const weatherTool = defineTool({
  name: 'get_weather',
  description: 'weather forecast for a city',
  parameters: z.object({ location: z.string() }),
  execute: ({ location }) => ({ location, forecast: 'sunny', celsius: 21 }),
});

/** The suite's running totals (module state: one report per file run). */
export const report = {
  scenarios: 0,
  faults: 0,
  itemsLost: 0,
  reconnects: 0,
  unanswered: 0,
  notes: [] as string[],
};

/** A settled flag for a promise handed out by the engine. */
export function watch<T>(p: Promise<T>): { readonly settled: boolean } {
  const s = { settled: false };
  p.then(
    () => (s.settled = true),
    () => (s.settled = true),
  );
  return s;
}

/** Comparable form of an item: id, type, role. */
function key(id: unknown, type: unknown, role: unknown): string {
  return `${String(id)}:${String(type)}:${role === undefined ? '-' : String(role)}`;
}

export function mirrorView(session: RealtimeSession): string[] {
  return session
    .chatCtxCopy()
    .items.map((i) =>
      key(i.id, i.type === 'raw' ? i.item.type : i.type, i.type === 'message' ? i.role : undefined),
    );
}

export function serverView(s: Setup): string[] {
  return s.server.conversation.map((i) => key(i['id'], i['type'], i['role']));
}

export interface Run {
  s: Setup;
  session: RealtimeSession;
  errors: SessionError[];
  streamsOpen: () => number;
  promises: { readonly settled: boolean }[];
}

/**
 * Opens a session for `kind` with streams and errors recorded. `sideBand`: the connection is a
 * side-band to a call (`persistentSession`), and the fake keeps its conversation across
 * connections, as the call's session does.
 */
export async function startRun(dialect: Dialect, kind: Kind, sideBand = false): Promise<Run> {
  const s = setup(
    dialect,
    { random: () => 0, tools: kind === 'function_call' ? [weatherTool] : [] },
    {
      transcribe: () => 'What is the weather in Paris?',
      ...(sideBand ? { conversation: 'persist' as const } : {}),
    },
  );
  const fake = s.connector!;
  const session = s.model.session({
    modalities: kind === 'text' ? ['text'] : ['text', 'audio'],
    ...(sideBand
      ? {
          connector: async (attempt: Parameters<typeof fake>[0]) => ({
            ...(await fake(attempt)),
            persistentSession: true,
          }),
        }
      : {}),
  });
  const errors: SessionError[] = [];
  session.on('error', (e) => errors.push(e));
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
  return {
    s,
    session,
    errors,
    streamsOpen: () => streams.filter((f) => !f.done).length,
    promises: [],
  };
}

/** The user turn that starts the scenario's response (not counted as a cut position). */
export async function userTurn(run: Run): Promise<void> {
  const p = run.session.conversation.item.create({
    role: 'user',
    content: 'What is the weather in Paris?',
  });
  run.promises.push(watch(p));
  await run.s.settle();
}

/** Server frames seen by the client so far (every one is tapped, known or not). */
export function frameCounter(session: RealtimeSession): () => number {
  let n = 0;
  session.on('server_event', () => n++);
  return () => n;
}

/**
 * Every promise handed out settled, every stream ended, no request or response is left in
 * flight, no error went unhandled, and every response is done.
 */
export function expectNothingInFlight(run: Run, where: string): void {
  const { session } = run;
  expect(
    run.promises.every((p) => p.settled),
    where,
  ).toBe(true);
  expect(run.streamsOpen(), where).toBe(0);
  expect(session.stats.pendingRequests, where).toBe(0);
  expect(session.stats.activeResponses, where).toBe(0);
  expect(session.unhandledErrors, where).toEqual([]);
  for (const r of session.responses) expect(r.isDone, where).toBe(true);
}

/** The session goes on: the very next item create is answered, and a response completes. */
export async function expectNextTurnServed(run: Run, where: string): Promise<void> {
  const { s, session } = run;
  const next = session.conversation.item.create({ role: 'user', content: 'still there?' });
  await s.settle();
  await expect(next, where).resolves.toMatchObject({ type: 'message' });
  const done = new Promise((resolve) => session.once('response_done', resolve));
  void session.response.create({ response: { output_modalities: ['text'] } });
  await s.settle();
  await expect(done, where).resolves.toMatchObject({ status: 'completed' });
}

/** The ids of the items the mirror held complete when the connection dropped (filled then). */
export function completedAtDrop(session: RealtimeSession): ReadonlySet<string> {
  const completed = new Set<string>();
  session.once('disconnected', () => {
    for (const item of session.chatCtxCopy().items)
      if (item.type !== 'raw' && item.status !== 'in_progress') completed.add(item.id);
  });
  return completed;
}
