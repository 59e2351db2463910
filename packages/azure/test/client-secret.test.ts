/**
 * `createAzureClientSecret`: the GA `client_secrets` endpoint of the resource the connector would
 * use, `api-key` or Entra auth, the deployment as the session's model, and errors that never
 * show the key or the token. An injected fetch records the request; deadlines run on a
 * SimulatedClock.
 */
import { inspect } from 'node:util';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { ClientSecretError, ConfigurationError } from '@voxwire/node';
import { deferred, SimulatedClock } from '@voxwire/testing';
import { describe, expect, it } from 'vitest';
import { createAzureClientSecret } from '../src/index.js';

const KEY = 'azure-mint-key-SECRET-0123456789';
const TOKEN = 'eyJentra-mint-token-SECRET-abcdef';
const ENDPOINT = 'https://my-resource.openai.azure.com';
const MINT_URL = 'https://my-resource.openai.azure.com/openai/v1/realtime/client_secrets';
const ANSWER = { value: 'ek_azure', expires_at: 1_900_000_000, session: { model: 'my-rt' } };

interface Call {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  readonly signal: AbortSignal | undefined;
}

/** A fetch answering `status` with `body` (JSON unless a string), recording every request. */
function recording(status = 200, body: unknown = ANSWER) {
  const calls: Call[] = [];
  const fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({
      url: String(url),
      headers: { ...(init?.headers as Record<string, string>) },
      body: JSON.parse(String(init?.body)),
      signal: init?.signal ?? undefined,
    });
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

/** A fetch that answers only when its signal aborts it. */
function hung() {
  const calls: Call[] = [];
  const sent = deferred<void>();
  const fetch = ((url: string | URL | Request, init?: RequestInit) => {
    const signal = init?.signal ?? undefined;
    calls.push({ url: String(url), headers: {}, body: undefined, signal });
    sent.resolve();
    return new Promise<Response>((_resolve, reject) =>
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true }),
    );
  }) as typeof globalThis.fetch;
  return { fetch, calls, sent: sent.promise };
}

const failure = (call: Promise<unknown>) => call.then(() => undefined).catch((e: unknown) => e);

describe('createAzureClientSecret', () => {
  it('POSTs to <endpoint>/openai/v1/realtime/client_secrets with api-key, the deployment as model, and returns the key', async () => {
    const { fetch, calls } = recording();
    const secret = await createAzureClientSecret({
      azureDeployment: ' my-rt\n',
      azureEndpoint: ENDPOINT,
      apiKey: KEY,
      session: { audio: { output: { voice: 'marin' } } },
      expiresAfterSeconds: 120,
      fetch,
      env: {},
    });
    expect(secret).toEqual({
      value: 'ek_azure',
      expiresAt: 1_900_000_000_000,
      session: { model: 'my-rt' },
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe(MINT_URL);
    expect(calls[0]!.headers).toEqual({ 'api-key': KEY, 'Content-Type': 'application/json' });
    expect(calls[0]!.body).toEqual({
      expires_after: { anchor: 'created_at', seconds: 120 },
      session: { type: 'realtime', model: 'my-rt', audio: { output: { voice: 'marin' } } },
    });
  });

  it('a session whose model is present but undefined still gets the deployment as model', async () => {
    const { fetch, calls } = recording();
    // e.g. `model: config.model` with the setting absent: the key is there, its value is not
    const model: string | undefined = undefined;
    await createAzureClientSecret({
      azureDeployment: 'my-rt',
      azureEndpoint: ENDPOINT,
      apiKey: KEY,
      session: { type: 'realtime', model, instructions: 'Be brief.' },
      fetch,
      env: {},
    });
    expect(calls[0]!.body).toEqual({
      session: { type: 'realtime', model: 'my-rt', instructions: 'Be brief.' },
    });
  });

  it('reads the endpoint and key from the environment as the connector does; a pasted /openai/v1 is not doubled', async () => {
    const { fetch, calls } = recording();
    await createAzureClientSecret({
      azureDeployment: 'my-rt',
      fetch,
      env: { AZURE_OPENAI_ENDPOINT: `${ENDPOINT}/openai/v1/`, AZURE_OPENAI_API_KEY: KEY },
    });
    expect(calls[0]!.url).toBe(MINT_URL);
    expect(calls[0]!.headers['api-key']).toBe(KEY);
    expect(calls[0]!.body).toEqual({ session: { type: 'realtime', model: 'my-rt' } });
  });

  it("keeps a session's own model, and sends a transcription session without one", async () => {
    const { fetch, calls } = recording();
    const base = { azureDeployment: 'my-rt', azureEndpoint: ENDPOINT, apiKey: KEY, fetch, env: {} };
    await createAzureClientSecret({ ...base, session: { model: 'other-deployment' } });
    await createAzureClientSecret({ ...base, session: { type: 'transcription' } });
    expect(calls.map((c) => c.body)).toEqual([
      { session: { type: 'realtime', model: 'other-deployment' } },
      { session: { type: 'transcription' } },
    ]);
  });

  it('Entra: a token provider is asked on every call and sent as Authorization: Bearer, without the environment key', async () => {
    const { fetch, calls } = recording();
    let asked = 0;
    const options = {
      azureDeployment: 'my-rt',
      azureEndpoint: ENDPOINT,
      tokenProvider: () => `Bearer ${TOKEN}-${++asked}`,
      fetch,
      env: { AZURE_OPENAI_API_KEY: KEY },
    };
    await createAzureClientSecret(options);
    await createAzureClientSecret(options);
    expect(calls.map((c) => c.headers)).toEqual([
      { Authorization: `Bearer ${TOKEN}-1`, 'Content-Type': 'application/json' },
      { Authorization: `Bearer ${TOKEN}-2`, 'Content-Type': 'application/json' },
    ]);
  });

  it('Entra: a credential is asked for a token with the Cognitive Services scope on every call', async () => {
    const { fetch, calls } = recording();
    const scopes: (string | string[])[] = [];
    const credential: TokenCredential = {
      getToken: async (scope): Promise<AccessToken> => {
        scopes.push(scope);
        return { token: TOKEN, expiresOnTimestamp: Date.UTC(2100, 0) };
      },
    };
    const options = { azureDeployment: 'my-rt', azureEndpoint: ENDPOINT, credential, fetch };
    await createAzureClientSecret({ ...options, env: {} });
    await createAzureClientSecret({ ...options, env: {} });
    expect(scopes).toEqual([
      'https://cognitiveservices.azure.com/.default',
      'https://cognitiveservices.azure.com/.default',
    ]);
    expect(calls[1]!.headers['Authorization']).toBe(`Bearer ${TOKEN}`);
  });

  it('an explicit key and a token are both sent, as the connector sends them; a caller header of the same name is dropped', async () => {
    const { fetch, calls } = recording();
    await createAzureClientSecret({
      azureDeployment: 'my-rt',
      azureEndpoint: ENDPOINT,
      apiKey: KEY,
      entraToken: TOKEN,
      headers: { 'API-Key': 'stale', 'Ocp-Apim-Subscription-Key': 'apim-SECRET-42' },
      fetch,
      env: {},
    });
    expect(calls[0]!.headers).toEqual({
      'Ocp-Apim-Subscription-Key': 'apim-SECRET-42',
      'api-key': KEY,
      Authorization: `Bearer ${TOKEN}`,
      'Content-Type': 'application/json',
    });
  });

  it.each([
    ['the option', { apiVersion: '2025-04-01-preview' }, {}],
    ['OPENAI_API_VERSION', {}, { OPENAI_API_VERSION: '2024-10-01-preview' }],
  ])('refuses a preview api-version from %s before any request', async (_from, option, env) => {
    const { fetch, calls } = recording();
    const error = await failure(
      createAzureClientSecret({
        azureDeployment: 'my-rt',
        azureEndpoint: ENDPOINT,
        apiKey: KEY,
        fetch,
        env,
        ...option,
      }),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: 'INVALID_OPTION' });
    expect((error as Error).message).toMatch(/preview.*different endpoint/);
    expect(calls).toHaveLength(0);
  });

  it('refuses missing credentials, a missing endpoint and conflicting Entra sources before any request', async () => {
    const { fetch, calls } = recording();
    const base = { azureDeployment: 'my-rt', fetch, env: {} };
    expect(
      await failure(createAzureClientSecret({ ...base, azureEndpoint: ENDPOINT, apiKey: ' ' })),
    ).toMatchObject({ name: 'ConfigurationError', code: 'MISSING_CREDENTIALS' });
    expect(await failure(createAzureClientSecret({ ...base, apiKey: KEY }))).toMatchObject({
      code: 'MISSING_OPTION',
    });
    expect(
      await failure(
        createAzureClientSecret({
          ...base,
          azureEndpoint: ENDPOINT,
          entraToken: TOKEN,
          tokenProvider: () => TOKEN,
        }),
      ),
    ).toMatchObject({ code: 'CONFLICTING_OPTIONS' });
    expect(
      await failure(
        createAzureClientSecret({ ...base, azureEndpoint: ENDPOINT, apiKey: KEY, timeoutMs: 0 }),
      ),
    ).toMatchObject({ code: 'INVALID_OPTION' });
    expect(calls).toHaveLength(0);
  });

  it.each([
    ['api-key', { apiKey: KEY }, KEY],
    ['Entra token', { entraToken: TOKEN }, TOKEN],
  ])(
    'a 401 that quotes the %s is HTTP_ERROR with the credential redacted everywhere',
    async (_what, credential, secret) => {
      const { fetch } = recording(401, {
        error: { message: `Access denied: bad credential ${secret}.`, code: secret, type: '401' },
      });
      const error = await failure(
        createAzureClientSecret({
          azureDeployment: 'my-rt',
          azureEndpoint: ENDPOINT,
          fetch,
          env: {},
          ...credential,
        }),
      );
      expect(error).toBeInstanceOf(ClientSecretError);
      expect(error).toMatchObject({
        code: 'HTTP_ERROR',
        status: 401,
        retriable: false,
        serverCode: '[REDACTED]',
      });
      expect((error as Error).message).toContain('[REDACTED]');
      expect(inspect(error, { depth: 10 })).not.toContain(secret);
    },
  );

  it("Azure's 429 with Retry-After is a retriable HTTP_ERROR with retryAfterMs", async () => {
    const fetch = (async () =>
      new Response(JSON.stringify({ error: { code: '429', message: 'Rate limit reached.' } }), {
        status: 429,
        headers: { 'retry-after': '12' },
      })) as typeof globalThis.fetch;
    const error = await failure(
      createAzureClientSecret({
        azureDeployment: 'my-rt',
        azureEndpoint: ENDPOINT,
        apiKey: KEY,
        fetch,
        env: {},
      }),
    );
    expect(error).toBeInstanceOf(ClientSecretError);
    expect(error).toMatchObject({
      code: 'HTTP_ERROR',
      status: 429,
      retriable: true,
      retryAfterMs: 12_000,
    });
  });

  it("a gateway's query key is sent and redacted like the credential", async () => {
    const GATEWAY = 'GATEWAY-sub-SECRET-9876';
    const { fetch, calls } = recording(403, `denied for subscription-key=${GATEWAY}`);
    const error = await failure(
      createAzureClientSecret({
        azureDeployment: 'my-rt',
        baseURL: `https://gw.example/openai?subscription-key=${GATEWAY}`,
        apiKey: KEY,
        fetch,
        env: {},
      }),
    );
    expect(calls[0]!.url).toBe(
      `https://gw.example/openai/v1/realtime/client_secrets?subscription-key=${GATEWAY}`,
    );
    expect(error).toMatchObject({ code: 'HTTP_ERROR', status: 403 });
    expect(inspect(error, { depth: 10 })).not.toContain(GATEWAY);
  });

  it('a token provider that throws is CREDENTIAL_FAILED, with nothing sent', async () => {
    const { fetch, calls } = recording();
    const error = await failure(
      createAzureClientSecret({
        azureDeployment: 'my-rt',
        azureEndpoint: ENDPOINT,
        tokenProvider: () => {
          throw new Error(`broker down, last token ${TOKEN}`);
        },
        fetch,
        env: {},
      }),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: 'CREDENTIAL_FAILED' });
    expect((error as Error).message).not.toContain(TOKEN);
    expect(calls).toHaveLength(0);
  });

  it('a token provider that never answers fails with TIMEOUT at timeoutMs, with nothing sent', async () => {
    const clock = new SimulatedClock();
    const { fetch, calls } = recording();
    const call = failure(
      createAzureClientSecret({
        azureDeployment: 'my-rt',
        azureEndpoint: ENDPOINT,
        tokenProvider: () => deferred<string>().promise,
        fetch,
        env: {},
        clock,
        timeoutMs: 4_000,
      }),
    );
    let settled = false;
    void call.then(() => (settled = true));
    await clock.advanceAsync(3_999);
    expect(settled).toBe(false);
    await clock.advanceAsync(1);
    expect(await call).toMatchObject({
      name: 'ClientSecretError',
      code: 'TIMEOUT',
      retriable: true,
    });
    expect(calls).toHaveLength(0);
  });

  it("the caller's signal aborts the request: NETWORK_ERROR with the reason as cause", async () => {
    const { fetch, calls, sent } = hung();
    const caller = new AbortController();
    const call = failure(
      createAzureClientSecret({
        azureDeployment: 'my-rt',
        azureEndpoint: ENDPOINT,
        apiKey: KEY,
        fetch,
        env: {},
        signal: caller.signal,
        timeoutMs: Infinity,
      }),
    );
    const reason = new Error('client went away');
    await sent;
    caller.abort(reason);
    const error = await call;
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', retriable: true, cause: reason });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.signal?.aborted).toBe(true);
  });
});
