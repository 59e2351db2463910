/**
 * The fault suite, part 4: a side-band to a SIP call loses each server event of an answer with
 * its socket, one run per event, while the call's session goes on (the SIP fake keeps answering
 * and playing, as the real call does; part 3's in-memory session stops with the socket). A
 * spoken answer, and a function call with the spoken answer to its output. After every loss:
 * the side-band re-attached once; the drop is the only error; every function call the session
 * completed was run once and answered once, and its answer played; nothing is left in flight
 * or asked for. Run twice: answers streamed as a model streams them (the side-band is back before
 * an answer is over), and generated at once. An answer the session began and finished entirely
 * while the socket was down is not seen from the side-band: the create is sent again and the
 * caller hears a second answer, and a function call in it is answered only once a later item
 * names it (the gap healing). Those runs are counted, not asserted (the core README's side-band
 * section).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import {
  expectNothingLeft,
  lossyCall,
  runLossy,
  scriptAnswer,
  type AnswerKind,
} from './sip-lossy-call.js';

const report = { scenarios: 0, secondAnswers: 0, unansweredCalls: 0, notes: [] as string[] };

/** The server events the side-band hears in a run without loss, with each one's occurrence. */
async function reference(
  kind: AnswerKind,
  instant: boolean,
): Promise<{ type: string; occurrence: number }[]> {
  const c = lossyCall('none', { textDeltaIntervalMs: 100, instant });
  await c.clock.advanceAsync(0);
  const seen = new Map<string, number>();
  const heard: { type: string; occurrence: number }[] = [];
  c.session.on('server_event', (e) => {
    const type = e.kind === 'event' ? e.event.type : e.type;
    const occurrence = (seen.get(type) ?? 0) + 1;
    seen.set(type, occurrence);
    heard.push({ type, occurrence });
  });
  scriptAnswer(c, kind);
  await c.session.response.create();
  await c.clock.advanceAsync(30_000);
  await c.session.close();
  return heard;
}

describe('the fault suite on a SIP call: the side-band loses each event of an answer', () => {
  for (const [kind, instant] of [
    ['spoken', false],
    ['function_call', false],
    ['spoken', true],
    ['function_call', true],
  ] as const) {
    const pace = instant ? 'generated at once' : 'streamed';
    it(`${kind}, ${pace}: every event lost in turn`, async () => {
      const losses = await reference(kind, instant);
      expect(losses.length).toBeGreaterThan(kind === 'spoken' ? 20 : 30);
      for (const loss of losses) {
        const where = `${kind} (${pace}): ${loss.type} #${loss.occurrence} lost`;
        const c = lossyCall(loss.type, {
          textDeltaIntervalMs: 100,
          occurrence: loss.occurrence,
          instant,
        });
        await runLossy(c, kind);

        expect(c.sip.sidebands.length, where).toBe(2);
        expect(c.session.connectionState.status, where).toBe('open');
        expect(
          c.events
            .filter((e) => e[0] === 'error')
            .map(
              (e) => `${(e[1] as { code: string }).code} ${(e[1] as { message: string }).message}`,
            ),
          where,
        ).toEqual(['SOCKET_CLOSED the connection closed unexpectedly (1006 network)']);
        const conversation = c.sip.connection!.conversation.snapshot();
        const calls = conversation.filter((i) => i['type'] === 'function_call');
        const outputs = conversation.filter((i) => i['type'] === 'function_call_output');
        // every call answered is answered once, and ran once
        const answered = outputs.map((i) => i['call_id']);
        expect(answered, where).toEqual([...new Set(answered)]);
        expect(c.runs.length, where).toBe(outputs.length);
        // every call the session completed is answered: always when the side-band hears any
        // of its answer after the re-attach (streamed); counted when all of it began and ended
        // while the socket was down (generated at once), which nothing on the side-band shows
        const unanswered = calls.filter((i) => !answered.includes(i['call_id']));
        if (instant && unanswered.length > 0) {
          report.unansweredCalls += unanswered.length;
          report.notes.push(
            `${where}: call ${unanswered.map((i) => i['call_id']).join(', ')} unanswered`,
          );
        } else expect(unanswered, where).toEqual([]);
        // the answers were played out; a second one means the first began and ended unseen
        const played = c.sip.outputAudio;
        // (a call left unanswered leaves the model waiting: nothing more is said)
        if (unanswered.length === 0) expect(played.length, where).toBeGreaterThan(0);
        for (const audio of played) expect(audio.state, where).toBe('stopped');
        if (played.length > 1) {
          report.secondAnswers++;
          report.notes.push(`${where}: ${played.length} answers played`);
        }
        // nothing left in flight or asked for
        await expectNothingLeft(c.session, c.server, c.sip.callId, c.clock, where);
        report.scenarios++;
      }
    });
  }
});

afterAll(() => {
  const lines = [
    '## Side-band to a SIP call: each event of an answer lost (the call goes on)',
    '',
    `- scenarios run: ${report.scenarios}`,
    `- faults injected: ${report.scenarios}`,
    `- runs where the caller heard a second answer (the first began and ended while the socket was down): ${report.secondAnswers}`,
    `- function calls the session completed while the socket was down, left unanswered: ${report.unansweredCalls}`,
    ...report.notes.map((note) => `  - ${note}`),
    '',
  ];
  mkdirSync('test-results', { recursive: true });
  writeFileSync('test-results/fault-side-band-call.part.md', lines.join('\n'));
});
