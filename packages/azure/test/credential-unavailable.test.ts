/**
 * A credential that cannot work on this host (`@azure/identity`'s `CredentialUnavailableError`:
 * no managed identity, no `az login`, no environment variables) fails alike on every attempt:
 * fatal at once, not retried for every reconnect attempt. Any other failure (a token endpoint
 * unreachable for a moment) is still retried. Errors are made as `@azure/identity` makes them,
 * by name: that package is no dependency of this one.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { RealtimeSession } from '@voxwire/core';
import { SimulatedClock } from '@voxwire/testing';
import { advanceWithSockets, startFakeWsServer } from '@voxwire/testing/ws';
import { afterEach, describe, expect, it } from 'vitest';
import { azureConnector, createAzureClientSecret, withAzure } from '../src/index.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An error named as `@azure/identity` names it. */
function named(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

const unavailable = () =>
  named('CredentialUnavailableError', 'ManagedIdentityCredential: no managed identity endpoint');

/** What `DefaultAzureCredential` throws on a host with no identity: every source unavailable. */
function chainUnavailable(): Error {
  return Object.assign(named('AggregateAuthenticationError', 'ChainedTokenCredential failed'), {
    errors: [unavailable(), named('CredentialUnavailableError', 'Azure CLI not found')],
  });
}

const base = { azureDeployment: 'd', azureEndpoint: 'https://a.openai.azure.com', env: {} };
const connectOnce = (connector: ReturnType<typeof azureConnector>) =>
  connector({ attempt: 0, signal: new AbortController().signal });

describe('a credential that cannot work on this host', () => {
  it.each([
    ['CredentialUnavailableError', unavailable],
    ['AggregateAuthenticationError of unavailable credentials', chainUnavailable],
  ])('credential throwing %s: a fatal CREDENTIAL_FAILED', async (_what, error) => {
    let calls = 0;
    const credential: TokenCredential = {
      getToken: async () => {
        calls++;
        throw error();
      },
    };
    const failure = await connectOnce(azureConnector({ ...base, credential })).catch(
      (e: unknown) => e,
    );
    expect(failure).toMatchObject({
      name: 'ConfigurationError',
      code: 'CREDENTIAL_FAILED',
      fatal: true,
      message: expect.stringContaining('trying again cannot help'),
    });
    expect((failure as Error).cause).toMatchObject({ name: error().name });
    expect(calls).toBe(1);
  });

  it('a token provider over such a credential (getBearerTokenProvider): fatal too, on connect and mint', async () => {
    const tokenProvider = async (): Promise<string> => {
      throw unavailable();
    };
    await expect(connectOnce(azureConnector({ ...base, tokenProvider }))).rejects.toMatchObject({
      code: 'CREDENTIAL_FAILED',
      fatal: true,
    });
    await expect(createAzureClientSecret({ ...base, tokenProvider })).rejects.toMatchObject({
      code: 'CREDENTIAL_FAILED',
      fatal: true,
    });
  });

  it('an AuthenticationError with HTTP 400/401 (Entra refused the credential itself) is fatal; a 503 or no status is retried', async () => {
    const authError = (statusCode?: number) =>
      Object.assign(
        named('AuthenticationError', 'AADSTS7000215: Invalid client secret provided.'),
        {
          statusCode,
        },
      );
    for (const statusCode of [400, 401]) {
      const credential: TokenCredential = {
        getToken: async () => {
          throw authError(statusCode);
        },
      };
      await expect(connectOnce(azureConnector({ ...base, credential }))).rejects.toMatchObject({
        code: 'CREDENTIAL_FAILED',
        fatal: true,
        message: expect.stringContaining(`HTTP ${statusCode}), and trying again cannot help`),
      });
      const tokenProvider = async (): Promise<string> => {
        throw authError(statusCode);
      };
      await expect(connectOnce(azureConnector({ ...base, tokenProvider }))).rejects.toMatchObject({
        code: 'CREDENTIAL_FAILED',
        fatal: true,
      });
    }
    for (const statusCode of [503, 429, undefined]) {
      const credential: TokenCredential = {
        getToken: async () => {
          throw authError(statusCode);
        },
      };
      await expect(connectOnce(azureConnector({ ...base, credential }))).rejects.toMatchObject({
        code: 'CREDENTIAL_FAILED',
        fatal: false,
      });
    }
  });

  it('an aggregate with another failure in it, or any other throw, is still retriable', async () => {
    const mixed = Object.assign(named('AggregateAuthenticationError', 'chain failed'), {
      errors: [unavailable(), named('AuthenticationRequiredError', 'interactive')],
    });
    for (const thrown of [mixed, named('AuthenticationError', 'ENETUNREACH'), 'a string']) {
      const credential: TokenCredential = {
        getToken: async () => {
          throw thrown;
        },
      };
      await expect(connectOnce(azureConnector({ ...base, credential }))).rejects.toMatchObject({
        code: 'CREDENTIAL_FAILED',
        fatal: false,
      });
    }
  });
});

describe('through a session', () => {
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
    const session: RealtimeSession = model.session();
    cleanups.push(() => session.close());
    const seen: string[] = [];
    const errors: { code: string | null; cause?: unknown }[] = [];
    for (const name of ['connected', 'reconnecting', 'closed'] as const)
      session.on(name, () => seen.push(name));
    session.on('error', (error) => errors.push(error));
    await advanceWithSockets(
      clock,
      () => seen.includes('connected') || seen.includes('closed'),
      60_000,
    );
    return { fake, seen, errors };
  }

  it('CredentialUnavailableError ends the session at once: no reconnecting, one getToken', async () => {
    const clock = new SimulatedClock({ start: Date.UTC(2026, 0, 1) });
    let calls = 0;
    const { fake, seen, errors } = await rig(clock, {
      getToken: async () => {
        calls++;
        throw unavailable();
      },
    });
    expect(seen).toEqual(['closed']);
    // core's CONNECT_FAILED, over the connector's typed error
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'CONNECT_FAILED',
        cause: expect.objectContaining({ code: 'CREDENTIAL_FAILED', fatal: true }),
      }),
    ]);
    expect(calls).toBe(1);
    expect(fake.handshakes).toHaveLength(0);
  });

  it('a credential that throws anything else once, then answers, connects', async () => {
    const clock = new SimulatedClock({ start: Date.UTC(2026, 0, 1) });
    let calls = 0;
    const { seen } = await rig(clock, {
      getToken: async () => {
        if (++calls === 1) throw named('AuthenticationError', 'token endpoint unreachable');
        return { token: 'entra-token-0a1b2c3d', expiresOnTimestamp: clock.now() + 3_600_000 };
      },
    });
    expect(seen).toEqual(['reconnecting', 'connected']);
    expect(calls).toBe(2);
  });
});
