/**
 * `advanceWithSockets`: simulated time for a client and the fake server on one clock over a
 * real loopback socket — the clock stepped, the event loop turned between steps.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../src/index.js';
import { advanceWithSockets, startFakeWsServer, type FakeWsServer } from '../src/ws/index.js';
import { wsTransport } from './ws-helpers.js';

let running: FakeWsServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('advanceWithSockets', () => {
  it('steps the clock and lets the sockets deliver until the condition holds', async () => {
    const clock = new SimulatedClock();
    running = await startFakeWsServer({ clock, pingIntervalMs: false });
    const client = wsTransport(`${running.url}/realtime?model=gpt-realtime`, {
      headers: { Authorization: 'Bearer k' },
    });
    const types: string[] = [];
    client.onmessage = (frame) => types.push(JSON.parse(String(frame)).type as string);
    await client.start();
    // a request the client sends when a simulated timer fires: its answer needs the socket twice
    clock.setTimeout(
      () => client.send(JSON.stringify({ type: 'input_audio_buffer.clear' })),
      1_000,
    );
    const held = await advanceWithSockets(
      clock,
      () => types.includes('input_audio_buffer.cleared'),
      5_000,
    );
    expect(held).toBe(true);
    expect(clock.now()).toBeGreaterThanOrEqual(1_000);
    expect(clock.now()).toBeLessThanOrEqual(1_200);
    await client.close();
  });

  it('gives up after maxMs of simulated time, saying the condition did not hold', async () => {
    const clock = new SimulatedClock();
    let fired = 0;
    clock.setTimeout(() => fired++, 250);
    expect(await advanceWithSockets(clock, () => false, 1_000, { stepMs: 250, turns: 1 })).toBe(
      false,
    );
    expect(clock.now()).toBe(1_000);
    expect(fired).toBe(1);
  });

  it('never advances past maxMs, even when it is not a whole number of steps', async () => {
    const clock = new SimulatedClock();
    let fired = 0;
    // due after maxMs: a test that gave 150 ms must not see it fire
    clock.setTimeout(() => fired++, 180);
    expect(await advanceWithSockets(clock, () => false, 150, { turns: 1 })).toBe(false);
    expect(clock.now()).toBe(150);
    expect(fired).toBe(0);
  });

  it('refuses a maxMs that is endless or not a number (the loop would never end, or never start)', async () => {
    for (const maxMs of [Infinity, Number.NaN, -1])
      await expect(advanceWithSockets(new SimulatedClock(), () => false, maxMs)).rejects.toThrow(
        /maxMs must be a finite number ≥ 0/,
      );
  });

  it('refuses a step that would never advance', async () => {
    await expect(
      advanceWithSockets(new SimulatedClock(), () => false, 100, { stepMs: 0 }),
    ).rejects.toThrow(RangeError);
  });
});

describe('advanceWithSockets arguments', () => {
  it('rejects (it is async: nothing is thrown synchronously) a maxMs, stepMs or turns that is no number, naming it', async () => {
    const clock = new SimulatedClock();
    let call: Promise<boolean> | undefined;
    expect(() => (call = advanceWithSockets(clock, () => false, '5' as never))).not.toThrow();
    await expect(call).rejects.toThrow(
      new RangeError('advanceWithSockets: maxMs must be a finite number ≥ 0, got "5"'),
    );
    await expect(
      advanceWithSockets(clock, () => false, 100, { stepMs: '50' as never }),
    ).rejects.toThrow(/^advanceWithSockets: stepMs must be a finite number > 0, got "50"$/);
    await expect(
      advanceWithSockets(clock, () => false, 100, { turns: '1' as never }),
    ).rejects.toThrow(RangeError);
    expect(clock.now()).toBe(0);
  });

  it('rejects a clock that is no SimulatedClock or an until that is no function, naming it', async () => {
    await expect(advanceWithSockets({} as never, () => false, 100)).rejects.toThrow(
      /^advanceWithSockets: clock must be a SimulatedClock/,
    );
    await expect(advanceWithSockets(new SimulatedClock(), true as never, 100)).rejects.toThrow(
      new TypeError('advanceWithSockets: until must be a function () => boolean, got true'),
    );
  });
});
