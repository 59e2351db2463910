/**
 * An API key function slower than the connect timeout (a secrets vault, a broker): its call goes
 * on after the attempt times out, and the retry must wait for it rather than start another slow
 * call that times out the same way (the session then never connected). A real socket to the fake
 * server; the key's delay and the session run on one simulated clock.
 */
import type { RealtimeSession } from '@voxwire/core';
import { deferred, SimulatedClock } from '@voxwire/testing';
import { startFakeWsServer, advanceWithSockets } from '@voxwire/testing/ws';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAIRealtimeModel } from '../src/index.js';

const KEY = 'sk-slow-vault-key-0123456789';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function rig(clock: SimulatedClock, apiKey: () => Promise<string>) {
  const fake = await startFakeWsServer({ clock, pingIntervalMs: false });
  cleanups.push(() => fake.close());
  const model = createOpenAIRealtimeModel({
    apiKey,
    baseURL: fake.url,
    env: {},
    clock,
    keepAlive: false,
    random: () => 0,
  });
  const session: RealtimeSession = model.session();
  cleanups.push(() => session.close());
  const seen: string[] = [];
  for (const name of ['connected', 'reconnecting', 'closed'] as const)
    session.on(name, () => seen.push(name));
  return { fake, session, seen };
}

describe('an API key function slower than the connect timeout', () => {
  it('taking 12 s: the retry waits for the call in flight, and the session connects', async () => {
    let calls = 0;
    const clock = new SimulatedClock();
    const { fake, seen } = await rig(clock, () => {
      calls++;
      const key = deferred<string>();
      clock.setTimeout(() => key.resolve(KEY), 12_000);
      return key.promise;
    });
    await advanceWithSockets(clock, () => seen.includes('connected'), 120_000);
    expect(seen).toEqual(['reconnecting', 'connected']);
    expect(calls).toBe(1);
    expect(fake.handshakes.map((h) => h.headers['authorization'])).toEqual([`Bearer ${KEY}`]);
  });

  it('a call that never settles (a vault request on a dead socket) is shared for 30 s, then asked again', async () => {
    // the connector is shared by every session of the model: a hung call shared for ever kept
    // every session, and every later one, from ever connecting until the process restarted
    let calls = 0;
    const clock = new SimulatedClock();
    const { fake, seen } = await rig(clock, () => {
      calls++;
      // the first call hangs for good; the vault answers the next one at once
      return calls === 1 ? new Promise<string>(() => {}) : Promise.resolve(KEY);
    });
    await advanceWithSockets(clock, () => clock.now() >= 29_900, 29_900);
    expect(calls).toBe(1);
    expect(seen).not.toContain('connected');
    await advanceWithSockets(clock, () => seen.includes('connected'), 60_000);
    expect(seen.filter((s) => s === 'connected')).toHaveLength(1);
    expect(seen).not.toContain('closed');
    expect(calls).toBe(2);
    expect(fake.handshakes.map((h) => h.headers['authorization'])).toEqual([`Bearer ${KEY}`]);
  });

  it('once settled, the next connect asks again (a drop after connecting)', async () => {
    let calls = 0;
    const clock = new SimulatedClock();
    const { fake, seen } = await rig(clock, async () => `${KEY}-${++calls}`);
    await advanceWithSockets(clock, () => seen.includes('connected'), 10_000);
    fake.server.close(1011, 'server restarting');
    await advanceWithSockets(
      clock,
      () => seen.filter((s) => s === 'connected').length === 2,
      10_000,
    );
    expect(calls).toBe(2);
    expect(fake.handshakes.map((h) => h.headers['authorization'])).toEqual([
      `Bearer ${KEY}-1`,
      `Bearer ${KEY}-2`,
    ]);
  });
});

describe('maxSessionDurationMs', () => {
  it('refuses a unit slip, NaN or a non-number with INVALID_OPTION; Infinity means no limit', () => {
    for (const maxSessionDurationMs of [60, 0, -1, Number.NaN, '3600000' as never])
      expect(() =>
        createOpenAIRealtimeModel({ apiKey: KEY, env: {}, maxSessionDurationMs }),
      ).toThrowError(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() =>
      createOpenAIRealtimeModel({ apiKey: KEY, env: {}, maxSessionDurationMs: Infinity }),
    ).not.toThrow();
  });
});
