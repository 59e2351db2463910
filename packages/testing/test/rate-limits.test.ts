/**
 * `rate_limits.updated` (protocol.md §4.10): the token budget a response used comes back over
 * time, as the `reset_seconds` the fake reports says it will, so an agent that backs off when
 * `remaining` runs low and resumes after `reset_seconds` can be tested on the simulated clock.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../src/index.js';
import { connect } from './helpers.js';

type Limit = { name: string; limit: number; remaining: number; reset_seconds: number };

function tokensOf(events: { type: string; [k: string]: any }[], at: number): Limit {
  const updates = events.filter((e) => e.type === 'rate_limits.updated');
  return updates[at]!['rate_limits'].find((r: Limit) => r.name === 'tokens');
}

describe.each(['ga', 'beta'] as const)('rate limits (%s)', (dialect) => {
  it('the budget refills on the clock: after reset_seconds it is whole again, minus the new response', async () => {
    const clock = new SimulatedClock();
    const c = await connect({ dialect, clock, tokenRateLimit: 2_000 });
    c.server.queueResponse((ctx) => ctx.text('word '.repeat(400)));
    c.server.queueResponse((ctx) => ctx.text('ok'));
    c.send({ type: 'response.create', response: { output_modalities: ['text'] } });
    await clock.advanceAsync(0);
    const first = tokensOf(c.events, 0);
    const used = first.limit - first.remaining;
    expect(used).toBeGreaterThan(500);
    expect(first.reset_seconds).toBeCloseTo((used / first.limit) * 60, 3);
    // the agent waits as long as the server said
    await clock.advanceAsync(first.reset_seconds * 1000);
    c.send({ type: 'response.create', response: { output_modalities: ['text'] } });
    await clock.advanceAsync(0);
    const second = tokensOf(c.events, 1);
    const done = c.events.filter((e) => e.type === 'response.done')[1]!['response'];
    expect(second.remaining).toBe(second.limit - done.usage.total_tokens);
    expect(second.reset_seconds).toBeCloseTo((done.usage.total_tokens / second.limit) * 60, 3);
  });

  it('an exhausted budget comes back too (remaining 0 is not forever)', async () => {
    const clock = new SimulatedClock();
    const c = await connect({ dialect, clock, tokenRateLimit: 1_000 });
    c.server.queueResponse((ctx) => ctx.text('word '.repeat(1_200)));
    c.server.queueResponse((ctx) => ctx.text('ok'));
    // out of band: the long answer stays out of the next response's input
    c.send({
      type: 'response.create',
      response: { conversation: 'none', output_modalities: ['text'] },
    });
    await clock.advanceAsync(0);
    expect(tokensOf(c.events, 0)).toMatchObject({ remaining: 0, reset_seconds: 60 });
    await clock.advanceAsync(60_000);
    c.send({ type: 'response.create', response: { output_modalities: ['text'] } });
    await clock.advanceAsync(0);
    const done = c.events.filter((e) => e.type === 'response.done')[1]!['response'];
    expect(tokensOf(c.events, 1).remaining).toBe(1_000 - done.usage.total_tokens);
  });
});
