/**
 * `maxSessionDurationMs` as users get it wrong: in minutes or seconds instead of ms, or 0 for "no
 * limit". The engine rolls over (reconnects) `rolloverMarginMs` before the limit, or halfway
 * through a shorter one, and takes a close near the limit for Azure's expiry: a limit of 30
 * (minutes meant) reconnected every 15 ms, over a real socket, without end.
 */
import { SimulatedClock } from '@voxwire/testing';
import { startFakeWsServer } from '@voxwire/testing/ws';
import { afterEach, describe, expect, it } from 'vitest';
import { azureConnector, withAzure } from '../src/index.js';

const KEY = 'azure-limit-key-0123456789';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const base = {
  azureDeployment: 'gpt-realtime',
  azureEndpoint: 'https://res.openai.azure.com',
  apiKey: KEY,
  env: {},
};

describe('maxSessionDurationMs', () => {
  it('a limit in minutes or seconds, 0, negative or not a number is refused, typed (INVALID_OPTION)', () => {
    for (const bad of [30, 30 * 60, 59_999, 0, -1, Number.NaN, '1800000']) {
      const invalid = expect.objectContaining({ code: 'INVALID_OPTION' });
      const options = { ...base, maxSessionDurationMs: bad as number };
      expect(() => azureConnector(options)).toThrow(invalid);
      expect(() => withAzure(options)).toThrow(invalid);
    }
  });

  it('a limit of a minute or more (or none: Infinity) is reported as given', async () => {
    for (const ok of [60_000, 15 * 60_000, Number.POSITIVE_INFINITY]) {
      // no socket is made until the transport starts
      const connection = await azureConnector({ ...base, maxSessionDurationMs: ok })({
        attempt: 0,
        signal: new AbortController().signal,
      });
      expect(connection.maxSessionDurationMs).toBe(ok);
    }
  });

  it('with a valid limit the session rolls over once, not again and again', async () => {
    const clock = new SimulatedClock();
    const fake = await startFakeWsServer({ apiKey: KEY, clock, pingIntervalMs: false });
    cleanups.push(() => fake.close());
    const model = withAzure({
      ...base,
      azureEndpoint: undefined,
      baseURL: fake.url.replace(/\/v1$/, '/openai'),
      clock,
      keepAlive: false,
      maxSessionDurationMs: 60_000,
    });
    const session = model.session();
    cleanups.push(() => session.close());
    const rollovers: boolean[] = [];
    session.on('reconnected', (e) => rollovers.push(e.rollover));
    for (let i = 0; i < 400; i++) {
      await clock.advanceAsync(100);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    // 40 s: one rollover at 30 s (halfway: the 5-minute margin is longer than the limit)
    expect(rollovers).toEqual([true]);
    expect(fake.handshakes).toHaveLength(2);
  });
});
