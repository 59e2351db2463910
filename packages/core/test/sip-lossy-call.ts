/**
 * A SIP call whose side-band loses one chosen server frame with its socket, while the call's
 * session goes on (the SIP fake plays the answers): for the side-band fault tests.
 * @module
 */
import { createFakeServer, FakeServer, SimulatedClock } from '@voxwire/testing';
import { expect } from 'vitest';
import { createCounterIdGenerator, type Connector, type Logger } from '@voxwire/protocol';
import * as v from 'valibot';
import { RealtimeModel, type RealtimeSession } from '../src/index.js';
import { defineTool } from '../src/tools/tool.js';
import { record, type LogLine } from './helpers.js';
import { losingFrame } from './side-band-helpers.js';

/** A spoken answer of a few seconds. */
export const GREETING = 'Hello and welcome to the pizza place, how can I help you today?';

/**
 * A SIP call on the fake (its session answers at twice real time, after a second, or at once) whose side-band
 * session loses the `occurrence`-th frame of `type` after `arm()`, with a tool `order_status`.
 */
export function lossyCall(
  type: string,
  {
    textDeltaIntervalMs = 20,
    occurrence = 1,
    instant = false,
    logger,
  }: { textDeltaIntervalMs?: number; occurrence?: number; instant?: boolean; logger?: Logger } = {},
) {
  const clock = new SimulatedClock({ microtaskRounds: 400, start: 1_700_000_000_000 });
  // a first token after a second, then twice real time, as a model streams: the answer is
  // still coming when the side-band is back. `instant`: generated at once, so an answer whose
  // start is lost is over before the side-band is back
  const server = new FakeServer({
    clock,
    pacing: instant
      ? { textDeltaIntervalMs: 0 }
      : { firstOutputDelayMs: 1_000, realtimeFactor: 0.5, textDeltaIntervalMs },
  });
  const sip = server.sip.incoming({ from: 'sip:+14155550123@carrier.example' });
  const lossy = losingFrame(
    createFakeServer({ server, callId: sip.callId }).connector,
    type,
    () => sip.sidebands.at(-1)!.close(1006, 'network'),
    occurrence,
  );
  const runs: string[] = [];
  const model = callModel(lossy.connector, clock, runs, logger);
  server.acceptCall(sip.callId, { type: 'realtime', instructions: 'You answer the phone.' });
  const session = model.session({ turnDetection: null });
  const events = record(session, ['error', 'response_created', 'response_done', 'reconnected']);
  return { clock, server, sip, session, events, runs, arm: lossy.arm };
}

/** The payloads of the recorded events `name`. */
export const named = (events: readonly unknown[][], name: string) =>
  events.filter((e) => e[0] === name).map((e) => e[1] as { id?: string; code?: string });

/** The `order_status` tool the call scenarios use; each run's order id is pushed to `runs`. */
export function orderStatusTool(runs: string[]) {
  return defineTool({
    name: 'order_status',
    description: 'Where an order is',
    parameters: v.object({ id: v.string() }),
    execute: ({ id }: { id: string }) => (runs.push(id), { id, status: 'in the oven' }),
  });
}

/** What the call's session answers: a spoken answer, or a function call and the spoken answer to its output. */
export type AnswerKind = 'spoken' | 'function_call';

/** Queues the answers of `kind` on the call's fake. */
export function scriptAnswer(c: ReturnType<typeof lossyCall>, kind: AnswerKind): void {
  if (kind === 'spoken') {
    c.server.queueResponse((ctx) => ctx.say(GREETING));
    return;
  }
  c.server.queueResponse((ctx) =>
    ctx.callFunction('order_status', { id: '42' }, { callId: 'c42' }),
  );
  c.server.queueResponse((ctx) => ctx.say('Order 42 is in the oven.'));
}

/** Asks for an answer of `kind` with the loss armed, and lets the call run 30 s. */
export async function runLossy(c: ReturnType<typeof lossyCall>, kind: AnswerKind): Promise<void> {
  await c.clock.advanceAsync(0);
  scriptAnswer(c, kind);
  c.arm();
  await c.session.response.create();
  await c.clock.advanceAsync(30_000);
}

/** The scripted call `c42` ran once, and its one output is in the call's conversation. */
export function expectCallAnsweredOnce(c: ReturnType<typeof lossyCall>): void {
  expect(c.runs).toEqual(['42']);
  const outputs = c.sip
    .connection!.conversation.snapshot()
    .filter((i) => i['type'] === 'function_call_output');
  expect(outputs).toEqual([expect.objectContaining({ call_id: 'c42' })]);
}

/**
 * The app's model on a SIP call's side-band (`connector`: the fake's, or a wrapper of it), with
 * the `order_status` tool (each run's order id pushed to `runs`), on the call's clock.
 */
export function callModel(
  connector: Connector,
  clock: SimulatedClock,
  runs: string[],
  logger?: Logger,
): RealtimeModel {
  return new RealtimeModel({
    connector,
    clock,
    generateId: createCounterIdGenerator('t'),
    random: () => 0,
    stallTimeoutMs: false,
    ...(logger && { logger }),
    tools: [orderStatusTool(runs)],
  });
}

/**
 * A fault-suite run's end: nothing in flight or asked for; then the session closes and the call
 * is hung up, and no timer is left (what is left would be the engine's).
 */
export async function expectNothingLeft(
  session: RealtimeSession,
  server: FakeServer,
  callId: string,
  clock: SimulatedClock,
  where: string,
): Promise<void> {
  expect(session.activeResponse, where).toBeUndefined();
  expect(session.responseRequested, where).toBe(false);
  expect(session.stats.pendingRequests, where).toBe(0);
  await session.close();
  server.hangupCall(callId);
  await clock.advanceAsync(0);
  expect(clock.pendingTimers, where).toBe(0);
}

/**
 * Nothing was logged at `warn` or `error` but `allowed` (each one's fields are in the failure's
 * message, to see what it was about), and every response seen to start was seen to end.
 */
export function expectQuiet(
  lines: readonly LogLine[],
  events: readonly unknown[][],
  where: string,
  allowed: readonly string[] = [],
): void {
  const loud = lines.filter(
    (l) => (l.level === 'warn' || l.level === 'error') && !allowed.includes(l.message),
  );
  expect(
    loud.map((l) => l.message),
    where + JSON.stringify(loud.map((l) => l.fields)),
  ).toEqual([]);
  expect(
    named(events, 'response_done').map((r) => r.id),
    where,
  ).toEqual(named(events, 'response_created').map((r) => r.id));
}
