/**
 * A cached Microsoft Entra token the service refuses at the upgrade (HTTP 401): revoked, or
 * judged on a skewed clock. With a `credential`, the connector drops the cached token, asks the
 * credential once more and retries the connect once, within the same attempt; a second 401 is
 * fatal. Real sockets to the fake server's Azure GA path, one simulated clock.
 */
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import type { RealtimeSession } from '@voxwire/core';
import { TransportError } from '@voxwire/node';
import type { Transport } from '@voxwire/protocol';
import { deferred, SimulatedClock } from '@voxwire/testing';
import { startFakeWsServer, type FakeWsServer, advanceWithSockets } from '@voxwire/testing/ws';
import { afterEach, describe, expect, it } from 'vitest';
import { withAzure } from '../src/index.js';
import { TokenRenewingTransport } from '../src/token-renewal.js';

const HOUR = 60 * 60_000;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A credential handing out `entra-token-<n>-…`, each valid for an hour of `clock`. */
function countingCredential(clock: SimulatedClock) {
  const state = { calls: 0 };
  const credential: TokenCredential = {
    getToken: async () => {
      state.calls++;
      return {
        token: `entra-token-${state.calls}-0a1b2c3d`,
        expiresOnTimestamp: clock.now() + HOUR,
      };
    },
  };
  return { credential, state };
}

async function rig(clock: SimulatedClock, credential: TokenCredential) {
  const fake = await startFakeWsServer({ clock, pingIntervalMs: false });
  cleanups.push(() => fake.close());
  const model = withAzure({
    azureDeployment: 'gpt-realtime',
    baseURL: fake.url.replace(/\/v1$/, '/openai'),
    env: {},
    clock,
    tokenClock: clock,
    keepAlive: false,
    random: () => 0,
    credential,
  });
  return { fake, model };
}

function watch(session: RealtimeSession) {
  cleanups.push(() => session.close());
  const seen: string[] = [];
  const errors: { code: string | null; message: string }[] = [];
  for (const name of ['connected', 'reconnecting', 'closed'] as const)
    session.on(name, () => seen.push(name));
  session.on('error', (error) => errors.push(error));
  return { seen, errors };
}

const bearers = (fake: FakeWsServer) =>
  fake.handshakes.map((h) => [h.headers['authorization'], h.outcome]);

describe('a credential token refused with 401 at the upgrade', () => {
  it('drops the cached token, fetches a fresh one and connects in the same attempt', async () => {
    const clock = new SimulatedClock();
    const { credential, state } = countingCredential(clock);
    const { fake, model } = await rig(clock, credential);
    fake.refuseUpgrades(401, 1);
    const { seen, errors } = watch(model.session());
    await advanceWithSockets(
      clock,
      () => seen.includes('connected') || seen.includes('closed'),
      30_000,
    );
    expect(seen).toEqual(['connected']);
    expect(errors).toEqual([]);
    expect(state.calls).toBe(2);
    expect(bearers(fake)).toEqual([
      ['Bearer entra-token-1-0a1b2c3d', 'http 401'],
      ['Bearer entra-token-2-0a1b2c3d', 'accepted'],
    ]);
  });

  it('a second 401 (the fresh token refused too) is fatal, with a typed error that says so', async () => {
    const clock = new SimulatedClock();
    const { credential, state } = countingCredential(clock);
    const { fake, model } = await rig(clock, credential);
    fake.refuseUpgrades(401, 2);
    const { seen, errors } = watch(model.session());
    await advanceWithSockets(clock, () => seen.includes('closed'), 30_000);
    expect(seen).toEqual(['closed']);
    expect(state.calls).toBe(2);
    expect(fake.handshakes).toHaveLength(2);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'AUTH_FAILED' });
    expect(errors[0]!.message).toMatch(/fresh/i);
    expect(errors[0]!.message).not.toContain('entra-token-');
  });

  it('the next session gets the fresh token, not the refused one', async () => {
    const clock = new SimulatedClock();
    const { credential, state } = countingCredential(clock);
    const { fake, model } = await rig(clock, credential);
    const a = watch(model.session());
    await advanceWithSockets(clock, () => a.seen.includes('connected'), 30_000);
    // token 1 is revoked: the service refuses it from now on
    fake.refuseUpgrades(401, 1);
    const b = watch(model.session());
    await advanceWithSockets(
      clock,
      () => b.seen.includes('connected') || b.seen.includes('closed'),
      30_000,
    );
    const c = watch(model.session());
    await advanceWithSockets(
      clock,
      () => c.seen.includes('connected') || c.seen.includes('closed'),
      30_000,
    );
    expect([a.seen, b.seen, c.seen]).toEqual([['connected'], ['connected'], ['connected']]);
    expect(state.calls).toBe(2);
    expect(bearers(fake)).toEqual([
      ['Bearer entra-token-1-0a1b2c3d', 'accepted'],
      ['Bearer entra-token-1-0a1b2c3d', 'http 401'],
      ['Bearer entra-token-2-0a1b2c3d', 'accepted'],
      ['Bearer entra-token-2-0a1b2c3d', 'accepted'],
    ]);
  });

  it('sessions that waited on one slow credential lookup share one fresh fetch after both are refused', async () => {
    const clock = new SimulatedClock();
    const answers: ReturnType<typeof deferred<AccessToken>>[] = [];
    const credential: TokenCredential = {
      getToken: () => {
        const answer = deferred<AccessToken>();
        answers.push(answer);
        return answer.promise;
      },
    };
    const { fake, model } = await rig(clock, credential);
    const a = watch(model.session());
    const b = watch(model.session());
    await advanceWithSockets(clock, () => answers.length === 1, 1_000);
    // both upgrades carry the same (revoked) token
    fake.refuseUpgrades(401, 2);
    answers[0]!.resolve({
      token: 'entra-stale-token-aaaa',
      expiresOnTimestamp: clock.now() + HOUR,
    });
    await advanceWithSockets(clock, () => answers.length === 2, 5_000);
    answers[1]!.resolve({
      token: 'entra-fresh-token-bbbb',
      expiresOnTimestamp: clock.now() + HOUR,
    });
    await advanceWithSockets(
      clock,
      () => a.seen.includes('connected') && b.seen.includes('connected'),
      5_000,
    );
    expect([a.seen, b.seen]).toEqual([['connected'], ['connected']]);
    expect(answers).toHaveLength(2);
    expect(bearers(fake)).toEqual([
      ['Bearer entra-stale-token-aaaa', 'http 401'],
      ['Bearer entra-stale-token-aaaa', 'http 401'],
      ['Bearer entra-fresh-token-bbbb', 'accepted'],
      ['Bearer entra-fresh-token-bbbb', 'accepted'],
    ]);
  });

  it('an api key refused with 401 is not retried: fatal at once', async () => {
    const clock = new SimulatedClock();
    const fake = await startFakeWsServer({ clock, pingIntervalMs: false });
    cleanups.push(() => fake.close());
    fake.refuseUpgrades(401, 1);
    const model = withAzure({
      azureDeployment: 'gpt-realtime',
      baseURL: fake.url.replace(/\/v1$/, '/openai'),
      env: {},
      clock,
      keepAlive: false,
      apiKey: 'azure-refused-key-0123456789',
    });
    const { seen, errors } = watch(model.session());
    await advanceWithSockets(clock, () => seen.includes('closed'), 30_000);
    expect(fake.handshakes).toHaveLength(1);
    expect(seen).toEqual(['closed']);
    expect(errors).toMatchObject([{ code: 'AUTH_FAILED' }]);
  });
});

describe('TokenRenewingTransport: the Transport contract around the renewal', () => {
  /** A transport whose start() fails as a refused upgrade does: its close first, then the rejection. */
  function refused(status: number) {
    const t: Transport & { closes: number } = {
      closes: 0,
      start: async () => {
        t.onclose?.(1006, `HTTP ${status}`);
        throw new TransportError('AUTH_FAILED', `HTTP ${status}`, { httpStatus: status });
      },
      send: () => undefined,
      close: async () => {
        t.closes++;
      },
    };
    return t;
  }

  it('a close() while the fresh token is fetched ends the connect with ABORTED and one onclose', async () => {
    const renewed = deferred<Transport>();
    const next = refused(200);
    let nextStarted = false;
    next.start = async () => {
      nextStarted = true;
    };
    const transport = new TokenRenewingTransport(
      refused(401),
      () => renewed.promise,
      () => undefined,
    );
    const closes: [number, string][] = [];
    transport.onclose = (code, reason) => closes.push([code, reason]);
    const started = transport.start();
    await Promise.resolve();
    await Promise.resolve();
    const closed = transport.close();
    renewed.resolve(next);
    await expect(started).rejects.toMatchObject({ code: 'ABORTED' });
    await closed;
    expect(nextStarted).toBe(false);
    expect(next.closes).toBe(1);
    expect(closes).toEqual([[1006, 'HTTP 401']]);
  });

  it('a close() while the fresh token never comes (a hung credential) ends the connect at once', async () => {
    // close() waited for the renewal to answer: a credential stuck on a dead socket held the
    // session's close (core's 10 s bound) and start() for good, with no socket left to close
    const renewed = deferred<Transport>();
    const next = refused(200);
    const transport = new TokenRenewingTransport(
      refused(401),
      () => renewed.promise,
      () => undefined,
    );
    const closes: [number, string][] = [];
    transport.onclose = (code, reason) => closes.push([code, reason]);
    const started = transport.start();
    const outcome = started.then(
      () => 'resolved',
      (error: TransportError) => error.code,
    );
    await Promise.resolve();
    await Promise.resolve();
    let closed = false;
    const closing = transport.close().then(() => (closed = true));
    // a few turns, never the renewal's answer
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(closed).toBe(true);
    expect(await outcome).toBe('ABORTED');
    expect(closes).toEqual([[1006, 'HTTP 401']]);
    await closing;
    // a late answer is closed, never started
    let nextStarted = false;
    next.start = async () => {
      nextStarted = true;
    };
    renewed.resolve(next);
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(nextStarted).toBe(false);
    expect(next.closes).toBe(1);
    expect(closes).toHaveLength(1);
  });

  it('a 403 is not retried: the refused close is delivered, then the error', async () => {
    let renewals = 0;
    const transport = new TokenRenewingTransport(
      refused(403),
      async () => {
        renewals++;
        return refused(200);
      },
      () => undefined,
    );
    const closes: [number, string][] = [];
    transport.onclose = (code, reason) => closes.push([code, reason]);
    await expect(transport.start()).rejects.toMatchObject({ httpStatus: 403 });
    expect(renewals).toBe(0);
    expect(closes).toEqual([[1006, 'HTTP 403']]);
  });
});
