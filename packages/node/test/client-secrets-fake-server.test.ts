/**
 * Mint, then connect, end to end against the fake server over real sockets: the server mints
 * with the real key (`createClientSecret`), and a session started with only the minted `ek_`
 * key gets the session the mint configured — what a browser does with the key it is handed
 * (here over `ws` with the key as a bearer, as a Node client holding an ephemeral key would).
 */
import { nextEvent as next } from '@voxwire/testing';
import { startFakeWsServer } from '@voxwire/testing/ws';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientSecretError, createClientSecret, createOpenAIRealtimeModel } from '../src/index.js';

const KEY = 'sk-proj-MINT-e2e-0000';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('createClientSecret against the fake server', () => {
  it('mints with the real key; a session on the minted key starts with the minted config', async () => {
    const fake = await startFakeWsServer({ apiKey: KEY, pingIntervalMs: false });
    cleanups.push(() => fake.close());
    const secret = await createClientSecret({
      apiKey: KEY,
      baseURL: fake.url,
      env: {},
      session: { model: 'gpt-realtime-mini', instructions: 'Answer in French.' },
      expiresAfterSeconds: 60,
    });
    expect(secret.value).toMatch(/^ek_/);
    expect(secret.session).toMatchObject({ model: 'gpt-realtime-mini' });
    expect(fake.server.clientSecrets.map((s) => s.value)).toEqual([secret.value]);

    const model = createOpenAIRealtimeModel({ apiKey: secret.value, baseURL: fake.url, env: {} });
    const session = model.session();
    cleanups.push(() => session.close());
    await next(session, 'session_updated');
    const connection = fake.server.connections[0]!;
    expect(connection.session).toMatchObject({
      model: 'gpt-realtime-mini',
      instructions: 'Answer in French.',
    });
    expect(fake.handshakes[0]!.headers['authorization']).toBe(`Bearer ${secret.value}`);
    expect(fake.server.clientSecrets[0]!.usedBy).toBe(1);
  });

  it('a wrong key is refused as HTTP_ERROR 401 with the key nowhere in the error', async () => {
    const fake = await startFakeWsServer({ apiKey: KEY, pingIntervalMs: false });
    cleanups.push(() => fake.close());
    const wrong = 'sk-proj-WRONG-key-1234';
    const error = await createClientSecret({
      apiKey: wrong,
      baseURL: fake.url,
      env: {},
      session: {},
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientSecretError);
    expect(error).toMatchObject({ code: 'HTTP_ERROR', status: 401 });
    expect(JSON.stringify(error) + String((error as Error).message)).not.toContain(wrong);
    expect(fake.server.clientSecrets).toEqual([]);
  });
});
