/**
 * The ids the fake hands out: deterministic by default (tests compare them), and with `idSalt`
 * different from any other server's, as the real service's are (a restarted CLI process must not
 * hand out the ids of the one before it: a reconnecting client would take them for the old ones).
 */
import { describe, expect, it } from 'vitest';
import { FakeServerOptionsError, createFakeServer } from '../src/index.js';
import { processIdSalt } from '../src/cli.js';
import { connect } from './helpers.js';

/** Every id a connection's events carried: event ids, the session, responses and items. */
async function idsOf(options: Parameters<typeof connect>[0]): Promise<string[]> {
  const c = await connect({ ...options, transcribe: undefined });
  c.server.queueResponse((ctx) => ctx.say('hi'));
  c.send({ type: 'response.create' });
  await c.flush();
  const ids = new Set<string>();
  for (const e of c.events) {
    if (typeof e['event_id'] === 'string') ids.add(e['event_id']);
    if (typeof e['session']?.['id'] === 'string') ids.add(e['session']['id']);
    if (typeof e['response']?.['id'] === 'string') ids.add(e['response']['id']);
    if (typeof e['item']?.['id'] === 'string') ids.add(e['item']['id']);
  }
  return [...ids];
}

describe('idSalt', () => {
  it('is appended to every id the server makes; without it the ids stay as they were', async () => {
    const plain = await idsOf({});
    expect(plain).toContain('sess_0001');
    expect(plain.some((id) => id.startsWith('resp_'))).toBe(true);
    const salted = await idsOf({ idSalt: 'p1x' });
    expect(salted).toContain('sess_0001_p1x');
    expect(salted.every((id) => id.endsWith('_p1x'))).toBe(true);
    // the same sequence otherwise: a salt changes no test's event order
    expect(salted).toEqual(plain.map((id) => `${id}_p1x`));
  });

  it('two servers with different salts share no id', async () => {
    const a = await idsOf({ idSalt: 'a' });
    const b = await idsOf({ idSalt: 'b' });
    expect(a.filter((id) => b.includes(id))).toEqual([]);
  });

  it('a salt that is not letters and digits, or one given with generateId, is refused', () => {
    expect(() => createFakeServer({ idSalt: 'a b' })).toThrow(FakeServerOptionsError);
    expect(() => createFakeServer({ idSalt: 'x_y' })).toThrow(/letters and digits/);
    expect(() => createFakeServer({ idSalt: 'x', generateId: (p) => `${p}_1` })).toThrow(/either/);
    expect(createFakeServer({ idSalt: undefined }).server).toBeDefined();
  });

  it("the CLI's salt differs between processes (pid, start time)", () => {
    const first = processIdSalt(4242, 1_750_000_000_000);
    expect(first).toMatch(/^[a-z0-9]+$/);
    expect(processIdSalt(4243, 1_750_000_000_000)).not.toBe(first);
    expect(processIdSalt(4242, 1_750_000_000_001)).not.toBe(first);
  });
});
