/**
 * `session.close` (GA): the live server lists it among the client events it takes (protocol.md
 * §7.9); realtime-events.json documents it (translation endpoint) as answered by `session.closed`,
 * after the server has emitted its remaining output, and then the socket closes.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../src/index.js';
import { connect } from './helpers.js';

describe('session.close', () => {
  it('GA: answered with session.closed, then a normal close (1000); the request is recorded', async () => {
    const c = await connect();
    c.sendRaw(JSON.stringify({ type: 'session.close', event_id: 'c1' }));
    await c.flush();
    expect(c.types()).toEqual(['session.created', 'session.closed']);
    expect(c.closes).toEqual([{ code: 1000, reason: '' }]);
    expect(c.server.clientEvents.map((e) => e['type'])).toEqual(['session.close']);
    c.server.assertClosed();
  });

  it('GA: a response in progress finishes first (its remaining output is emitted), then session.closed', async () => {
    const clock = new SimulatedClock();
    const c = await connect({ clock, pacing: { realtimeFactor: 1 } });
    // spoken audio is paced in real time, so the answer is still in progress below
    c.server.queueResponse((ctx) => ctx.say('A short answer.'));
    c.send({ type: 'response.create' });
    await c.flush();
    expect(c.types()).toContain('response.created');
    c.sendRaw(JSON.stringify({ type: 'session.close' }));
    await c.flush();
    expect(c.types()).not.toContain('session.closed');
    expect(c.closes).toEqual([]);

    await clock.advanceAsync(10_000);
    const types = c.types();
    expect(c.events.find((e) => e.type === 'response.done')!['response'].status).toBe('completed');
    expect(types.slice(-3)).toEqual(['response.done', 'rate_limits.updated', 'session.closed']);
    expect(c.closes).toEqual([{ code: 1000, reason: '' }]);
  });

  it('an unknown field in it is refused like any other, and the session stays open', async () => {
    const c = await connect();
    c.sendRaw(JSON.stringify({ type: 'session.close', event_id: 'c1', bogus: 1 }));
    await c.flush();
    expect(c.events.at(-1)?.['error']).toMatchObject({ code: 'unknown_parameter', param: 'bogus' });
    expect(c.closes).toEqual([]);
  });

  it('beta: not a beta client event, so still refused with invalid_value (the session stays open)', async () => {
    const c = await connect({ dialect: 'beta' });
    c.sendRaw(JSON.stringify({ type: 'session.close', event_id: 'c1' }));
    await c.flush();
    expect(c.events.at(-1)?.['error']).toMatchObject({
      code: 'invalid_value',
      param: 'type',
      event_id: 'c1',
    });
    expect(c.closes).toEqual([]);
  });
});
