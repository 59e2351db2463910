/**
 * The fault suite, part 1: for every server-event position of a text, an audio and a
 * function-call response, the socket is closed right there. Each time the session must
 * reconnect and restore, the mirror must equal the fake server's conversation, no promise may
 * stay pending, every stream must end, nothing may leak, the next request must be served, and
 * every function call the server holds must have exactly one function_call_output (a call the
 * model completed before the drop is answered after the restore; none is answered twice).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { DIALECTS } from './helpers.js';
import {
  completedAtDrop,
  expectNextTurnServed,
  expectNothingInFlight,
  frameCounter,
  mirrorView,
  report,
  serverView,
  startRun,
  userTurn,
  watch,
  type Kind,
} from './fault-helpers.js';

const KINDS: readonly Kind[] = ['text', 'audio', 'function_call'];

async function referenceFrames(
  dialect: 'ga' | 'beta',
  kind: Kind,
): Promise<{ start: number; end: number }> {
  const run = await startRun(dialect, kind);
  const frames = frameCounter(run.session);
  const base = run.s.server.current ? 0 : 0;
  await userTurn(run);
  const start = frames() + 2 + base; // session.created and session.updated preceded the counter
  void run.session.response.create();
  await run.s.settle();
  const end = frames() + 2;
  await run.session.close();
  return { start, end };
}

describe.each(DIALECTS)('cut at every server event (%s)', (dialect) => {
  for (const kind of KINDS) {
    it(`${kind} response: recovers at every position`, async () => {
      const { start, end } = await referenceFrames(dialect, kind);
      expect(end - start).toBeGreaterThan(kind === 'text' ? 6 : 8);
      for (let cut = start; cut < end; cut++) {
        const run = await startRun(dialect, kind);
        const { s, session } = run;
        await userTurn(run);
        s.server.faults.closeAfterEvents(cut, { code: 1006 });
        // the rule would fire again on the new connection: it is one fault
        session.once('disconnected', () => s.server.faults.clear());
        const completedBefore = completedAtDrop(session);
        run.promises.push(watch(session.response.create()));
        await s.settle();
        await s.clock.advanceAsync(1000);
        const where = `${dialect} ${kind} cut after frame ${cut}`;
        expect(session.connectionState.status, where).toBe('open');
        expect(s.server.connections.length, where).toBe(2);
        expect(session.stats.reconnects, where).toBe(1);
        // the conversation survived: the mirror is the server's, and nothing completed was lost
        expect(mirrorView(session), where).toEqual(serverView(s));
        const onServer = new Set(s.server.conversation.map((i) => String(i['id'])));
        const lost = [...completedBefore].filter((id) => !onServer.has(id));
        report.itemsLost += lost.length;
        expect(lost, where).toEqual([]);
        // everything handed out settled, every stream ended, nothing is left in flight
        expectNothingInFlight(run, where);
        // the very next request is served
        await expectNextTurnServed(run, where);
        expect(mirrorView(session), where).toEqual(serverView(s));
        // every call the model made is answered exactly once
        const calls = s.server.conversation
          .filter((i) => i['type'] === 'function_call')
          .map((i) => i['call_id']);
        const outputs = s.server.conversation
          .filter((i) => i['type'] === 'function_call_output')
          .map((i) => i['call_id']);
        expect([...outputs].sort(), where).toEqual([...new Set(outputs)].sort());
        const unanswered = calls.filter((c) => !outputs.includes(c));
        report.unanswered += unanswered.length;
        if (unanswered.length > 0)
          report.notes.push(
            `unanswered: ${where}: ${JSON.stringify(s.server.conversation.map((i) => [i['type'], i['status']]))}`,
          );
        expect(
          unanswered,
          `${where}: every function_call on the server has its function_call_output`,
        ).toEqual([]);
        await session.close();
        expect(s.clock.pendingTimers, where).toBe(0);
        report.scenarios++;
        report.faults++;
        report.reconnects += session.stats.reconnects;
      }
    });
  }
});

afterAll(() => {
  mkdirSync('test-results', { recursive: true });
  const lines = [
    '## Socket cut at every server event (text, audio, function-call responses; GA and beta)',
    '',
    `- scenarios run: ${report.scenarios}`,
    `- faults injected: ${report.faults}`,
    `- reconnects: ${report.reconnects}`,
    `- items lost: ${report.itemsLost}`,
    `- function calls left unanswered after a restore: ${report.unanswered}`,
    '',
    ...report.notes.map((n) => `- ${n}`),
  ];
  writeFileSync('test-results/fault-cuts.part.md', `${lines.join('\n')}\n`);
  console.log(
    `fault suite (cuts): ${report.scenarios} scenarios, ${report.faults} faults, ${report.itemsLost} items lost`,
  );
});
