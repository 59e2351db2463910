/**
 * `server.faults.expireSession(afterMs)` added while no connection is open (set up before the
 * agent connects, or from a `disconnected` listener) expires the next connection, `afterMs`
 * after it opens, instead of doing nothing.
 */
import { describe, expect, it } from 'vitest';
import { createFakeServer, SimulatedClock } from '../src/index.js';

describe('faults.expireSession with no connection open', () => {
  it('applies to the next connection, once', async () => {
    const clock = new SimulatedClock();
    const { server, connector } = createFakeServer({ clock });
    server.faults.expireSession(5_000);
    await clock.advanceAsync(1_000); // the agent connects a little later
    const { transport } = await connector({ attempt: 0, signal: new AbortController().signal });
    const received: string[] = [];
    const closes: number[] = [];
    transport.onmessage = (frame) => received.push(String(frame));
    transport.onclose = (code) => closes.push(code);
    await transport.start();
    await clock.advanceAsync(4_999);
    expect(closes).toEqual([]);
    await clock.advanceAsync(1);
    expect(received.some((f) => f.includes('"session_expired"'))).toBe(true);
    expect(closes).toEqual([1001]);
    // the next connection has its usual length
    const { transport: again } = await connector({
      attempt: 1,
      signal: new AbortController().signal,
    });
    const closedAgain: number[] = [];
    again.onclose = (code) => closedAgain.push(code);
    again.onmessage = () => undefined;
    await again.start();
    await clock.advanceAsync(60_000);
    expect(closedAgain).toEqual([]);
  });

  it('clear() forgets it', async () => {
    const clock = new SimulatedClock();
    const { server, connector } = createFakeServer({ clock });
    server.faults.expireSession(0);
    server.faults.clear();
    const { transport } = await connector({ attempt: 0, signal: new AbortController().signal });
    const closes: number[] = [];
    transport.onmessage = () => undefined;
    transport.onclose = (code) => closes.push(code);
    await transport.start();
    await clock.advanceAsync(60_000);
    expect(closes).toEqual([]);
  });
});
