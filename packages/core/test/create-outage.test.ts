/**
 * `response.create()` across an outage: the create waits for the previous one's
 * `response.created` in connected time only, and a create the drop took unanswered (sent again
 * after the restore) still holds back the ones made during the outage, so that the new server
 * never gets two creates in a row (it refuses the second:
 * `conversation_already_has_active_response`). Fake server, simulated clock; nothing sleeps.
 */
import { describe, expect, it } from 'vitest';
import { DIALECTS, openSession, outcome, setup, type Setup } from './helpers.js';

const createsOn = (s: Setup, connection: number) =>
  (s.server.connections[connection]?.clientEvents ?? []).filter(
    (e) => e['type'] === 'response.create',
  );

describe.each(DIALECTS)('creates and an outage (%s)', (dialect) => {
  it('two creates made during an outage longer than requestTimeoutMs go out one after the other', async () => {
    const s = setup(dialect, {
      requestTimeoutMs: 1000,
      reconnect: { backoff: () => 5000 },
      stallTimeoutMs: false,
    });
    s.server.queueResponse(
      (ctx) => ctx.text('one'),
      (ctx) => ctx.text('two'),
    );
    const session = await openSession(s, { modalities: ['text'] });
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    s.server.connections[0]!.close(1006, '');
    await s.settle();
    const a = outcome(session.response.create());
    const b = outcome(session.response.create());
    await s.clock.advanceAsync(10_000);
    await s.settle();
    expect(session.connectionState.status).toBe('open');
    expect(a.value).toBe(true);
    expect(b.value).toBe(true);
    expect(errors.filter((e) => (e as { code?: string }).code !== 'SOCKET_CLOSED')).toEqual([]);
    expect(session.responses.map((r) => r.text)).toEqual(['one', 'two']);
    // and no warning that the first got no answer: the outage is not the server being slow
    expect(s.logs.some((l) => /got no answer/.test(l.message))).toBe(false);
    await session.close();
  });

  it('a create made during the outage waits for the one the drop took, sent again first', async () => {
    const s = setup(dialect, { random: () => 0, stallTimeoutMs: false });
    s.server.queueResponse(
      (ctx) => ctx.text('lost'),
      (ctx) => ctx.text('the answer'),
      (ctx) => ctx.text('the next one'),
    );
    const session = await openSession(s, { modalities: ['text'] });
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    s.server.faults.closeAt('response.created', { code: 1006 });
    const later = new Promise<boolean>((resolve) =>
      session.once('disconnected', () => {
        s.server.faults.clear();
        resolve(session.response.create());
      }),
    );
    const first = outcome(session.response.create());
    await s.clock.advanceAsync(1_000);
    await s.settle();
    expect(s.server.connections).toHaveLength(2);
    expect(first.value).toBe(true);
    expect(await later).toBe(true);
    expect(createsOn(s, 1)).toHaveLength(2);
    expect(errors.filter((e) => (e as { code?: string }).code !== 'SOCKET_CLOSED')).toEqual([]);
    expect(session.responses.map((r) => r.text)).toEqual(['the answer', 'the next one']);
    await session.close();
  });
});
