/**
 * `server.faults.expireSession()` ends a session as its own maximum duration would: over the ws
 * mode, an Azure session (30 min) says 30 minutes, as its natural expiry does, not OpenAI's 60.
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

describe('expireSession over the ws mode', () => {
  it.each([
    ['Azure', '/openai/realtime?api-version=2025-04-01-preview&deployment=dep', 30],
    ['OpenAI', '/v1/realtime?model=gpt-realtime', 60],
  ])('an %s session expired early says its own maximum duration', async (_name, path, minutes) => {
    const clock = new SimulatedClock();
    running = await startFakeWsServer({ clock, pingIntervalMs: false });
    const client = wsTransport(`${running.url.replace(/\/v1$/, '')}${path}`, {
      headers: { 'api-key': 'k', Authorization: 'Bearer k' },
    });
    const frames: { type: string; error?: { code?: string; message?: string } }[] = [];
    const closes: { code: number; reason: string }[] = [];
    client.onmessage = (frame) => frames.push(JSON.parse(String(frame)));
    client.onclose = (code, reason) => closes.push({ code, reason });
    await client.start();
    expect(await advanceWithSockets(clock, () => frames.length > 0, 1_000)).toBe(true);
    running.server.faults.expireSession(0);
    expect(await advanceWithSockets(clock, () => closes.length > 0, 1_000)).toBe(true);
    const message = `Your session hit the maximum duration of ${minutes} minutes.`;
    expect(frames.find((f) => f.type === 'error')?.error).toMatchObject({
      code: 'session_expired',
      message,
    });
    expect(closes).toEqual([{ code: 1001, reason: message }]);
  });
});
