/** Stopping the ws fake server leaves nothing half-open. */
import { describe, expect, it } from 'vitest';
import { FakeServer, SimulatedClock } from '../src/index.js';
import { startFakeWsServer } from '../src/ws/index.js';
import { handshake } from './ws-helpers.js';

describe('startFakeWsServer().close()', () => {
  it('resolves once every connection is closed on the server side too, and its timers are gone', async () => {
    const clock = new SimulatedClock();
    const server = new FakeServer({ clock });
    const s = await startFakeWsServer({ server, clock, pingIntervalMs: 20_000 });
    const opened = await Promise.all(
      [1, 2].map(() =>
        handshake(`${s.url}/realtime?model=m`, { headers: { Authorization: 'Bearer k' } }),
      ),
    );
    expect(opened.every((r) => r.ws)).toBe(true);
    expect(server.connections.filter((c) => c.open)).toHaveLength(2);
    await s.close();
    server.assertClosed();
    expect(server.connections.map((c) => c.closeInfo?.code)).toEqual([1006, 1006]);
    // session expiry and pings: nothing left on the clock
    expect(clock.pendingTimers).toBe(0);
    expect(s.sockets.size).toBe(0);
  });
});

describe('startFakeWsServer({ server }) without a clock', () => {
  it("pings on the served fake server's clock, as its other timers run", async () => {
    const clock = new SimulatedClock();
    const server = new FakeServer({ clock });
    const s = await startFakeWsServer({ server });
    const r = await handshake(`${s.url}/realtime?model=m`, {
      headers: { Authorization: 'Bearer k' },
    });
    const pinged = new Promise<void>((resolve) => r.ws!.once('ping', () => resolve()));
    // the session's expiry and the first ping
    expect(clock.pendingTimers).toBe(2);
    expect(clock.nextTimerAt()).toBe(20_000);
    clock.advance(20_000);
    await pinged;
    await s.close();
    expect(clock.pendingTimers).toBe(0);
  });
});
