/**
 * `createAzureClientSecret` against the fake server's Azure GA mint path over real HTTP: the
 * path, the `api-key` header and the deployment as the session's model agree with what the
 * server serves (the unit tests check the request with a recording fetch; this checks that an
 * Azure-shaped server takes it; @voxwire/testing's own tests open the Azure path with the key).
 */
import { startFakeWsServer } from '@voxwire/testing/ws';
import { ClientSecretError } from '@voxwire/node';
import { afterEach, describe, expect, it } from 'vitest';
import { createAzureClientSecret } from '../src/index.js';

const KEY = 'azure-key-MINT-e2e-0000';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('createAzureClientSecret against the fake server', () => {
  it('mints on /openai/v1/realtime/client_secrets with api-key; the deployment is the model', async () => {
    const fake = await startFakeWsServer({ apiKey: KEY, pingIntervalMs: false });
    cleanups.push(() => fake.close());
    const secret = await createAzureClientSecret({
      azureDeployment: 'voice-deployment',
      baseURL: fake.url.replace(/\/v1$/, '/openai'),
      apiKey: KEY,
      env: {},
      session: { instructions: 'Be brief.' },
    });
    expect(secret.value).toMatch(/^ek_/);
    expect(secret.session).toMatchObject({ model: 'voice-deployment', instructions: 'Be brief.' });
    const [minted] = fake.server.clientSecrets;
    expect(minted).toMatchObject({ value: secret.value, usedBy: 0 });
  });

  it('a wrong key is HTTP_ERROR 401, and the key appears nowhere in the error', async () => {
    const fake = await startFakeWsServer({ apiKey: KEY, pingIntervalMs: false });
    cleanups.push(() => fake.close());
    const wrong = 'azure-key-WRONG-9999';
    const error = await createAzureClientSecret({
      azureDeployment: 'voice-deployment',
      baseURL: fake.url.replace(/\/v1$/, '/openai'),
      apiKey: wrong,
      env: {},
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientSecretError);
    expect(error).toMatchObject({ code: 'HTTP_ERROR', status: 401 });
    expect(JSON.stringify(error) + String((error as Error).message)).not.toContain(wrong);
  });
});
