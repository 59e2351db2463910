/**
 * Test helpers: a session against the in-memory fake server on a simulated clock, an event
 * recorder and a capturing logger. Nothing here sleeps.
 */
import type { Dialect, Logger } from '@voxwire/protocol';
import { createCounterIdGenerator } from '@voxwire/protocol';
import { createFakeServer, SimulatedClock, type CreateFakeServerOptions } from '@voxwire/testing';
import { RealtimeModel, type RealtimeModelOptions } from '../src/model.js';
import type { SessionEvents } from '../src/events.js';
import type { RealtimeSession } from '../src/session.js';
import { REQUEST_TAG_KEY } from '../src/responses/awaited.js';
import type { SessionTool } from '../src/features/builtins.js';
import type { CalledFunction } from '../src/tools/types.js';
import { defineTool } from '../src/tools/tool.js';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown> | undefined;
}

export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, fields });
  };
  return {
    logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
    lines,
  };
}

export interface Setup {
  clock: SimulatedClock;
  server: ReturnType<typeof createFakeServer>['server'];
  /** The fake's own connector (the model's, unless `options` gave another). */
  connector?: ReturnType<typeof createFakeServer>['connector'];
  model: RealtimeModel;
  logs: LogLine[];
  /** Lets every queued microtask and due timer run (no time passes). */
  settle(): Promise<void>;
}

export function setup(
  dialect: Dialect = 'ga',
  options: Partial<RealtimeModelOptions> = {},
  serverOptions: CreateFakeServerOptions = {},
): Setup {
  const clock = new SimulatedClock({ microtaskRounds: 400 });
  const { connector, server } = createFakeServer({ dialect, clock, ...serverOptions });
  const { logger, lines } = captureLogger();
  const model = new RealtimeModel({
    connector,
    clock,
    logger,
    generateId: createCounterIdGenerator('t'),
    ...options,
  });
  return { clock, server, connector, model, logs: lines, settle: () => clock.advanceAsync(0) };
}

/** Opens a session and waits until the server echoed its configuration. */
export async function openSession(
  s: Setup,
  overrides: Parameters<RealtimeModel['session']>[0] = {},
): Promise<RealtimeSession> {
  const session = s.model.session(overrides);
  let updated = false;
  const off = session.on('session_updated', () => {
    updated = true;
  });
  await s.settle();
  off();
  if (!updated) throw new Error('session was not configured');
  return session;
}

export type Recorded = {
  [K in keyof SessionEvents]: [K, ...SessionEvents[K]];
}[keyof SessionEvents];

/** Records the named events in order. */
export function record(
  session: RealtimeSession,
  names: readonly (keyof SessionEvents)[],
): Recorded[] {
  const out: Recorded[] = [];
  for (const name of names) {
    session.on(name, ((...args: unknown[]) =>
      out.push([name, ...args] as unknown as Recorded)) as never);
  }
  return out;
}

/** Collects an async iterable. */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** A promise resolved from outside (for holding a fake response in progress). */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

export const DIALECTS: readonly Dialect[] = ['ga', 'beta'];

/** Settles `promise` into a value or the error it rejected with, without unhandled rejections. */
export function outcome<T>(promise: Promise<T>): { value?: T; error?: unknown; done: boolean } {
  const o: { value?: T; error?: unknown; done: boolean } = { done: false };
  promise.then(
    (value) => Object.assign(o, { value, done: true }),
    (error: unknown) => Object.assign(o, { error, done: true }),
  );
  return o;
}

/** A 20 ms frame at 24 kHz whose samples tell it apart (0 is silence to the fake's energy VAD). */
export const taggedFrame = (level: number) => ({
  data: new Int16Array(480).fill(level),
  sampleRate: 24000,
  channels: 1,
});

/** The first sample of each `input_audio_buffer.append` among `events`: which tagged frames went out. */
export const firstAppendedSamples = (events: readonly Record<string, unknown>[]): number[] =>
  events
    .filter((e) => e['type'] === 'input_audio_buffer.append')
    .map((e) => Buffer.from(String(e['audio']), 'base64').readInt16LE(0));

/** The `response` params of every `response.create` the server got on connection `connection`. */
export const createsOn = (s: Setup, connection: number) =>
  (s.server.connections[connection]?.clientEvents ?? [])
    .filter((e) => e['type'] === 'response.create')
    .map((e) => (e['response'] ?? {}) as Record<string, unknown>);

/** The request tag in a `response.create`'s params (`undefined` when untagged). */
export const tagOf = (params: Record<string, unknown> | undefined) =>
  ((params?.['metadata'] ?? {}) as Record<string, string>)[REQUEST_TAG_KEY];

/**
 * Runs each tool once in one response of a GA session against the fake server; returns what the
 * app (`function_calls_finished`, `error`) and the model (`function_call_output`) were told.
 */
export async function runToolsOnce(tools: SessionTool[]): Promise<{
  finished: readonly CalledFunction[];
  outputs: string[];
  errors: unknown[];
}> {
  const s = setup('ga', { tools });
  s.server.queueResponse((ctx) =>
    tools.forEach((t, i) => ctx.callFunction(t.name, {}, { callId: `c${i}` })),
  );
  s.server.queueResponse((ctx) => ctx.text('ok'));
  const session = await openSession(s);
  const finished: (readonly CalledFunction[])[] = [];
  const errors: unknown[] = [];
  session.on('function_calls_finished', (c) => finished.push(c));
  session.on('error', (e) => errors.push(e));
  await Promise.all([
    session.conversation.item.create({ role: 'user', content: 'go' }),
    s.settle(),
  ]);
  await Promise.all([session.response.create(), s.settle()]);
  await s.settle();
  const outputs = s.server.conversation
    .filter((i) => i['type'] === 'function_call_output')
    .map((i) => i['output'] as string);
  await session.close();
  return { finished: finished[0] ?? [], outputs, errors };
}

/** A tool `lookup` (no arguments) that answers 'found it' once `done` resolves: a slow tool. */
export function slowLookup(done: Promise<void>): SessionTool {
  return defineTool({
    name: 'lookup',
    description: 'slow lookup',
    parameters: {},
    execute: async () => (await done, 'found it'),
  });
}

/**
 * What an app asked for in a fault-suite run, each with how it settled: `'ok'`, or the error's
 * `code` (its text when it has none); `undefined` while pending.
 */
export function appRequests(): {
  asked: { what: string; outcome?: string }[];
  ask: (what: string, p: Promise<unknown>) => void;
} {
  const asked: { what: string; outcome?: string }[] = [];
  const ask = (what: string, p: Promise<unknown>): void => {
    const entry: { what: string; outcome?: string } = { what };
    asked.push(entry);
    p.then(
      () => (entry.outcome = 'ok'),
      (e: unknown) => (entry.outcome = (e as { code?: string }).code ?? String(e)),
    );
  };
  return { asked, ask };
}
