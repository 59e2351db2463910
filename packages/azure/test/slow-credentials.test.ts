/**
 * A credential slower than the connect timeout: `DefaultAzureCredential` on a developer machine
 * (managed identity probed first, then the Azure CLI) or a corporate token broker can take more
 * than the 10 s the engine gives a connect. The provider's call goes on after the attempt times
 * out; the retry must wait for it rather than start another slow call that times out the same way.
 * A real socket to the fake server's Azure GA path; the provider's delay and the session run on
 * one simulated clock.
 */
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import type { RealtimeSession } from '@voxwire/core';
import { deferred, SimulatedClock } from '@voxwire/testing';
import { startFakeWsServer, advanceWithSockets } from '@voxwire/testing/ws';
import { afterEach, describe, expect, it } from 'vitest';
import { withAzure } from '../src/index.js';

const TOKEN = 'entra-slow-token-0a1b2c3d4e';
const KEY = 'azure-slow-key-0123456789';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function rig(
  clock: SimulatedClock,
  secret:
    | { tokenProvider: () => Promise<string> }
    | { apiKey: () => Promise<string> }
    | { credential: TokenCredential },
) {
  const fake = await startFakeWsServer({ clock, pingIntervalMs: false });
  cleanups.push(() => fake.close());
  const model = withAzure({
    azureDeployment: 'gpt-realtime',
    baseURL: fake.url.replace(/\/v1$/, '/openai'),
    env: {},
    clock,
    keepAlive: false,
    random: () => 0,
    ...secret,
  });
  const session: RealtimeSession = model.session();
  cleanups.push(() => session.close());
  const seen: string[] = [];
  for (const name of ['connected', 'reconnecting', 'closed'] as const)
    session.on(name, () => seen.push(name));
  return { fake, session, seen };
}

describe('a credential slower than the connect timeout', () => {
  it('a token provider taking 12 s: the retry waits for the call in flight, and the session connects', async () => {
    let calls = 0;
    const clock = new SimulatedClock();
    const { fake, seen } = await rig(clock, {
      tokenProvider: () => {
        calls++;
        const token = deferred<string>();
        clock.setTimeout(() => token.resolve(TOKEN), 12_000);
        return token.promise;
      },
    });
    await advanceWithSockets(clock, () => seen.includes('connected'), 120_000);
    // it was called again for each attempt, each timed out: RECONNECT_FAILED after 8 retries
    expect(seen).toEqual(['reconnecting', 'connected']);
    expect(calls).toBe(1);
    expect(fake.handshakes.map((h) => h.headers['authorization'])).toEqual([`Bearer ${TOKEN}`]);
  });

  it.each(['tokenProvider', 'apiKey'] as const)(
    '%s: a call that never settles (a broker request on a dead socket) is shared for 30 s, then asked again',
    async (source) => {
      // the connector is shared by every session of the model: a hung call shared for ever kept
      // every session, and every later one, from ever connecting until the process restarted
      let calls = 0;
      const clock = new SimulatedClock();
      const secret = source === 'tokenProvider' ? TOKEN : KEY;
      const call = () => {
        calls++;
        // the first call hangs for good; the next one is answered at once
        return calls === 1 ? new Promise<string>(() => {}) : Promise.resolve(secret);
      };
      const { fake, seen } = await rig(
        clock,
        source === 'tokenProvider' ? { tokenProvider: call } : { apiKey: call },
      );
      await advanceWithSockets(clock, () => clock.now() >= 29_900, 29_900);
      expect(calls).toBe(1);
      expect(seen).not.toContain('connected');
      await advanceWithSockets(clock, () => seen.includes('connected'), 60_000);
      expect(seen).not.toContain('closed');
      expect(calls).toBe(2);
      const header = source === 'tokenProvider' ? 'authorization' : 'api-key';
      expect(fake.handshakes.map((h) => h.headers[header])).toEqual([
        source === 'tokenProvider' ? `Bearer ${TOKEN}` : KEY,
      ]);
    },
  );

  it('credential: a getToken that never settles is shared for 30 s, then the credential is asked again', async () => {
    // the credential's own cache shared its in-flight request with every later get(): the
    // connector's lookup asked again after 30 s and was handed the same hung request, so a
    // DefaultAzureCredential stuck once on a dead socket kept every session from connecting
    let calls = 0;
    const clock = new SimulatedClock();
    const credential: TokenCredential = {
      getToken: () => {
        calls++;
        const token: AccessToken = {
          token: TOKEN,
          expiresOnTimestamp: Date.now() + 3_600_000,
        };
        return calls === 1 ? new Promise<AccessToken>(() => {}) : Promise.resolve(token);
      },
    };
    const { fake, seen } = await rig(clock, { credential });
    await advanceWithSockets(clock, () => clock.now() >= 29_900, 29_900);
    expect(calls).toBe(1);
    expect(seen).not.toContain('connected');
    await advanceWithSockets(clock, () => seen.includes('connected'), 60_000);
    expect(seen).not.toContain('closed');
    expect(calls).toBe(2);
    expect(fake.handshakes.map((h) => h.headers['authorization'])).toEqual([`Bearer ${TOKEN}`]);
  });

  it('once settled, the next connect asks again (a drop after connecting)', async () => {
    let calls = 0;
    const clock = new SimulatedClock();
    const { fake, seen } = await rig(clock, {
      tokenProvider: async () => `${TOKEN}-${++calls}`,
    });
    await advanceWithSockets(clock, () => seen.includes('connected'), 10_000);
    fake.server.close(1011, 'server restarting');
    await advanceWithSockets(
      clock,
      () => seen.filter((s) => s === 'connected').length === 2,
      10_000,
    );
    expect(calls).toBe(2);
    expect(fake.handshakes.map((h) => h.headers['authorization'])).toEqual([
      `Bearer ${TOKEN}-1`,
      `Bearer ${TOKEN}-2`,
    ]);
  });

  it('an API key function (a vault) taking 12 s is waited for the same way', async () => {
    let calls = 0;
    const clock = new SimulatedClock();
    const { fake, seen } = await rig(clock, {
      apiKey: () => {
        calls++;
        const key = deferred<string>();
        clock.setTimeout(() => key.resolve(KEY), 12_000);
        return key.promise;
      },
    });
    await advanceWithSockets(clock, () => seen.includes('connected'), 120_000);
    expect(seen).toEqual(['reconnecting', 'connected']);
    expect(calls).toBe(1);
    expect(fake.handshakes.map((h) => h.headers['api-key'])).toEqual([KEY]);
  });
});
