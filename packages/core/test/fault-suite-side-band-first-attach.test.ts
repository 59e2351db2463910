/**
 * The fault suite, part 5: a side-band attaches to a SIP call whose session is answering a caller
 * who spoke before the app's socket was up. Two sweeps over a spoken answer and over a function
 * call: one run per moment a server event of the answer goes out (the attach really comes late),
 * and one run per event, attached right after it (a side-band attached early but deaf until
 * then: what goes out in one instant is told apart). Then the caller speaks again. After every
 * run: nothing reached `error` and nothing was warned of; every response the side-band saw start
 * was seen to end; every function call in the call's conversation ran once and was answered
 * once, late rather than never when it was complete before the attach (the next turn's item
 * names it); the mirror equals the call's conversation from the first item it holds; nothing is
 * left in flight or asked for, and no timer is left.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createFakeServer, FakeServer, SimulatedClock } from '@voxwire/testing';
import type { RealtimeSession } from '../src/index.js';
import { captureLogger, record } from './helpers.js';
import { deafening } from './side-band-helpers.js';
import {
  callModel,
  expectNothingLeft,
  expectQuiet,
  GREETING,
  named,
  type AnswerKind,
} from './sip-lossy-call.js';

const report = { scenarios: 0, lateAnswers: 0 };

const START = 1_700_000_000_000;

/** A SIP call on the fake, accepted, with the caller's first turn and its answers scripted. */
function call(kind: AnswerKind) {
  const clock = new SimulatedClock({ microtaskRounds: 400, start: START });
  const server = new FakeServer({
    clock,
    pacing: { firstOutputDelayMs: 1_000, realtimeFactor: 0.5, textDeltaIntervalMs: 100 },
  });
  const sip = server.sip.incoming({ from: 'sip:+14155550123@carrier.example' });
  server.acceptCall(sip.callId, { type: 'realtime', instructions: 'You answer the phone.' });
  server.scriptTranscription('Where is my order 42?');
  if (kind === 'spoken') server.queueResponse((ctx) => ctx.say(GREETING));
  else {
    server.queueResponse((ctx) =>
      ctx.callFunction('order_status', { id: '42' }, { callId: 'c42' }),
    );
    server.queueResponse((ctx) => ctx.say('Order 42 is in the oven.'));
  }
  return { clock, server, sip };
}

/**
 * The server events of the first turn's answers, from a run no side-band joins: their types in
 * order, and the moments they go out (events sent in the same instant count as one moment).
 */
async function reference(
  kind: AnswerKind,
): Promise<{ events: string[]; moments: { at: number; type: string }[] }> {
  const c = call(kind);
  await c.clock.advanceAsync(0);
  const sent: { at: number; type: string }[] = [];
  c.server.attachSideband(
    {
      send: (frame) => {
        const type = /"type":"([^"]+)"/.exec(String(frame))?.[1] ?? '?';
        sent.push({ at: c.clock.now(), type });
      },
      close: () => {},
    },
    c.sip.callId,
  );
  // the observer's own session.created is not the call's
  sent.length = 0;
  c.sip.speakTurn(500, 600);
  await c.clock.advanceAsync(30_000);
  c.server.hangupCall(c.sip.callId);
  const byTime = new Map<number, string>();
  for (const e of sent) if (!byTime.has(e.at)) byTime.set(e.at, e.type);
  return {
    events: sent.map((e) => e.type),
    moments: [...byTime].map(([at, type]) => ({ at, type })),
  };
}

/** How the side-band comes up in a run. */
type Attach =
  /** after the call's session sent what it sends up to `at` on the clock */
  | { readonly at: number }
  /** before the caller speaks, but deaf to the call's first `frames` server events: as if it
   * attached right after them, which events sent in the same instant can be told apart by */
  | { readonly deafTo: number };

/**
 * One run: the caller's first turn is answered with the side-band coming up as `attach` says,
 * then the caller speaks again; every invariant of the suite is checked.
 */
async function scenario(kind: AnswerKind, attach: Attach, where: string): Promise<void> {
  const c = call(kind);
  const runs: string[] = [];
  const { logger, lines } = captureLogger();
  const deaf = deafening(
    createFakeServer({ server: c.server, callId: c.sip.callId }).connector,
    'deafTo' in attach ? attach.deafTo : 0,
  );
  const model = callModel(deaf.connector, c.clock, runs, logger);
  await c.clock.advanceAsync(0);
  let session: RealtimeSession | undefined;
  let events: unknown[][] = [];
  const open = () => {
    session = model.session();
    events = record(session, ['error', 'response_created', 'response_done']);
  };
  if ('deafTo' in attach) {
    open();
    await c.clock.advanceAsync(0);
    deaf.arm();
  }
  c.sip.speakTurn(500, 600);
  if ('at' in attach) {
    await c.clock.advanceAsync(attach.at - c.clock.now());
    open();
  }
  await c.clock.advanceAsync(15_000);
  const ranBeforeTheNextTurn = runs.length;
  // the caller speaks again: the new turn's item names the last item before it
  c.server.scriptTranscription('Thanks. Anything else?');
  c.server.queueResponse((ctx) => ctx.say('No, that is all. Goodbye!'));
  c.sip.speakTurn(500, 600);
  await c.clock.advanceAsync(30_000);

  expect(named(events, 'error'), where).toEqual([]);
  expectQuiet(lines, events, where);

  const conversation = c.sip.connection!.conversation.snapshot();
  const calls = conversation.filter((i) => i['type'] === 'function_call');
  const answered = conversation
    .filter((i) => i['type'] === 'function_call_output')
    .map((i) => i['call_id']);
  expect(answered, where).toEqual(calls.map((i) => i['call_id']));
  expect(runs, where).toEqual(calls.map(() => '42'));
  if (calls.length > 0 && ranBeforeTheNextTurn === 0) report.lateAnswers++;

  // the mirror: the call's conversation from the first item this side knows
  const mirrored = session!.chatCtxCopy().items.map((i) => i.id);
  const ids = conversation.map((i) => i['id']);
  expect(mirrored.length, where).toBeGreaterThan(0);
  expect(mirrored, where).toEqual(ids.slice(ids.indexOf(mirrored[0]!)));

  await expectNothingLeft(session!, c.server, c.sip.callId, c.clock, where);
  report.scenarios++;
}

describe('the fault suite on a SIP call: a side-band attaches at each point of an answer', () => {
  for (const kind of ['spoken', 'function_call'] as const) {
    it(`${kind}: attached at every moment, then the caller speaks again`, async () => {
      const { moments } = await reference(kind);
      // a function call's arguments stream at once, and no answer follows without a side-band
      expect(moments.length).toBeGreaterThan(kind === 'spoken' ? 15 : 3);
      // and once more after the last, when everything is over
      for (const moment of [...moments, { at: moments.at(-1)!.at + 2_000, type: 'after it all' }])
        await scenario(
          kind,
          { at: moment.at },
          `${kind}: attached at +${moment.at - START} ms (${moment.type})`,
        );
    });

    it(`${kind}: attached right after each event, then the caller speaks again`, async () => {
      const { events } = await reference(kind);
      expect(events.length).toBeGreaterThan(kind === 'spoken' ? 20 : 10);
      for (let k = 1; k <= events.length; k++)
        await scenario(kind, { deafTo: k }, `${kind}: attached after ${events[k - 1]} (#${k})`);
    });
  }
});

afterAll(() => {
  const lines = [
    '## Side-band to a SIP call: first attached at each moment, and right after each event, of an answer',
    '',
    `- scenarios run: ${report.scenarios}`,
    `- faults injected: ${report.scenarios}`,
    `- function calls complete before the attach, answered once the next turn named them: ${report.lateAnswers}`,
    '',
  ];
  mkdirSync('test-results', { recursive: true });
  writeFileSync('test-results/fault-side-band-first-attach.part.md', lines.join('\n'));
});
