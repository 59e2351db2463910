/**
 * The ws mode's `refuseUpgrades` is a countable fault like `faults.rejectConnects`: refusals no
 * upgrade took are reported by `assertComplete()` (and `faults.neverFired()`), unless optional.
 * A test that asks for 3 refusals and sees 1 attempt would otherwise pass while testing nothing.
 * `setStall` and `setAnswerPings` are states, not counts, and are not tracked.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  FakeServer,
  FakeServerOptionsError,
  IncompleteScenarioError,
  SimulatedClock,
} from '../src/index.js';
import { startFakeWsServer, type FakeWsServer } from '../src/ws/index.js';
import { handshake } from './ws-helpers.js';

const running: FakeWsServer[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.close();
});
const start = async (opts: Parameters<typeof startFakeWsServer>[0] = {}) => {
  const s = await startFakeWsServer({ pingIntervalMs: false, ...opts });
  running.push(s);
  return s;
};

// what assertComplete reports, or [] when it passes
function pending(server: FakeServer): readonly string[] {
  try {
    server.assertComplete();
    return [];
  } catch (e) {
    if (e instanceof IncompleteScenarioError) return e.pending;
    throw e;
  }
}

// one upgrade attempt: its HTTP status when refused, 101 when it opened (then closed at once)
async function attempt(s: FakeWsServer): Promise<number> {
  const r = await handshake(`${s.url}/realtime?model=m`, {
    headers: { Authorization: 'Bearer k' },
  });
  if (r.ws) {
    const closed = new Promise<void>((resolve) => r.ws!.once('close', () => resolve()));
    r.ws.close();
    await closed;
    return 101;
  }
  return r.status ?? 0;
}

describe('ws mode: refuseUpgrades is tracked by assertComplete', () => {
  it('reports refusals no upgrade took, in the same error as the other faults', async () => {
    const s = await start();
    s.refuseUpgrades(503, 3);
    s.server.faults.refuse('response.cancel');
    expect(await attempt(s)).toBe(503);
    expect(pending(s.server)).toEqual([
      'fault rule never fired: refuse response.cancel',
      '2 of 3 upgrade refusal(s) (refuseUpgrades 503) never used',
    ]);
    expect(s.server.faults.neverFired()).toContain(
      '2 of 3 upgrade refusal(s) (refuseUpgrades 503) never used',
    );
    expect(await attempt(s)).toBe(503);
    expect(await attempt(s)).toBe(503);
    // used up: the next upgrade is accepted and nothing about refusals is left
    expect(await attempt(s)).toBe(101);
    expect(pending(s.server)).toEqual(['fault rule never fired: refuse response.cancel']);
  });

  it('a refusal of every upgrade (no count) is reported only while it refused none', async () => {
    const s = await start();
    s.refuseUpgrades(429);
    expect(pending(s.server)).toEqual([
      'upgrade refusal (refuseUpgrades 429, every upgrade) never used',
    ]);
    expect(await attempt(s)).toBe(429);
    expect(pending(s.server)).toEqual([]);
  });

  it('leaves out an optional refusal, and one replaced keeps its unused count', async () => {
    const s = await start();
    s.refuseUpgrades(503, { count: 2, optional: true });
    expect(pending(s.server)).toEqual([]);
    s.refuseUpgrades(503, { optional: true });
    expect(pending(s.server)).toEqual([]);
    // a second call replaces the first: the first's refusals are still never used
    s.refuseUpgrades(401, 2);
    s.refuseUpgrades(429, { count: 1 });
    expect(await attempt(s)).toBe(429);
    expect(await attempt(s)).toBe(101);
    expect(pending(s.server)).toEqual([
      '2 of 2 upgrade refusal(s) (refuseUpgrades 401) never used',
    ]);
    // a count of 0 turns refusals off and is nothing to use
    const t = await start();
    t.refuseUpgrades(503, 0);
    expect(await attempt(t)).toBe(101);
    expect(pending(t.server)).toEqual([]);
  });

  it('reports each ws server serving one fake server', async () => {
    const server = new FakeServer({ clock: new SimulatedClock() });
    const a = await start({ server });
    const b = await start({ server });
    a.refuseUpgrades(503, 1);
    b.refuseUpgrades(401, 1);
    expect(await attempt(b)).toBe(401);
    expect(pending(server)).toEqual(['1 of 1 upgrade refusal(s) (refuseUpgrades 503) never used']);
  });

  it('does not track setStall and setAnswerPings: they are states, not counts', async () => {
    const s = await start();
    s.setStall(true);
    s.setAnswerPings(false);
    expect(pending(s.server)).toEqual([]);
  });

  it('refuses a count that could never be used up as asked, and an optional not a boolean', async () => {
    const s = await start();
    for (const bad of [-1, 1.5, Number.NaN]) {
      expect(() => s.refuseUpgrades(503, bad)).toThrow(FakeServerOptionsError);
      expect(() => s.refuseUpgrades(503, bad)).toThrow(/count must be an integer ≥ 0/);
    }
    const notBoolean = { optional: 'yes' } as unknown as { optional: boolean };
    expect(() => s.refuseUpgrades(503, notBoolean)).toThrow(/optional must be a boolean/);
    // nothing was set: the next upgrade is accepted
    expect(await attempt(s)).toBe(101);
    expect(pending(s.server)).toEqual([]);
  });

  it('refuses a status that is no refusal (not an integer 400–599) and changes nothing', async () => {
    const s = await start();
    s.refuseUpgrades(429, 1);
    const bad: unknown[] = [101, 0, 200, 301, 399, 600, 503.5, Number.NaN, 'x', '503', undefined];
    for (const status of bad) {
      const call = () => s.refuseUpgrades(status as number, 1);
      expect(call).toThrow(FakeServerOptionsError);
      expect(call).toThrow(/status must be an integer 400–599/);
    }
    // the earlier refusal is still the one in force, and no bad call is tracked
    expect(pending(s.server)).toEqual([
      '1 of 1 upgrade refusal(s) (refuseUpgrades 429) never used',
    ]);
    expect(await attempt(s)).toBe(429);
    expect(await attempt(s)).toBe(101);
    expect(pending(s.server)).toEqual([]);
    // the bounds themselves are refusals
    s.refuseUpgrades(400, 1);
    expect(await attempt(s)).toBe(400);
    s.refuseUpgrades(599, 1);
    expect(await attempt(s)).toBe(599);
  });
});
