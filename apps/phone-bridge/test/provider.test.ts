/**
 * The provider as the environment configures it: OPENAI_BASE_URL, OPENAI_ORG_ID and
 * OPENAI_PROJECT_ID reach every request of the OpenAI provider (the Twilio calls' sockets, the SIP
 * calls' REST requests and side-bands), as @voxwire/node's defaults would; a provider URL without
 * TLS to a host that is not loopback is refused at start, with a message naming
 * VOXWIRE_ALLOW_INSECURE_URL, and allowed with it. Against the ws fake over loopback sockets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeWsServer } from '@voxwire/testing/ws';
import { ConfigError, parseConfig } from '../src/config.js';
import type { ProviderConfig } from '../src/config.js';
import { createProviderRuntime, openaiSipOptions } from '../src/provider.js';
import type { Cleanups } from './helpers.js';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const KEY = 'sk-proj-ENV-provider-test-0000';
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** The ws fake, taking only {@link KEY}, closed after the test. */
async function startFake() {
  const fake = await startFakeWsServer({ apiKey: KEY, pingIntervalMs: false });
  cleanups.push(() => fake.close());
  return fake;
}

function openaiProvider(env: Record<string, string>) {
  const { provider } = parseConfig({ OPENAI_API_KEY: KEY, ...env });
  if (provider.kind !== 'openai') throw new Error(`expected OpenAI, got ${provider.kind}`);
  return provider;
}

/** The message printed for a provider URL refused for having no TLS. */
function insecureMessage(variable: string, origin: string): string {
  return `${variable} (${origin}) has no TLS and is not a loopback host: the API key would cross the network in clear, so it is refused. Use a wss:// or https:// URL (or ws://localhost for a server on this machine); for a server on a private network you trust (a voxwire-fake-server in a container network, say), set VOXWIRE_ALLOW_INSECURE_URL=1`;
}

describe('the OpenAI provider from the environment', () => {
  it('connects the calls’ sessions to OPENAI_BASE_URL, with OPENAI_ORG_ID and OPENAI_PROJECT_ID', async () => {
    const fake = await startFake();
    const runtime = createProviderRuntime(
      openaiProvider({
        OPENAI_BASE_URL: fake.url,
        OPENAI_ORG_ID: 'org-from-env',
        OPENAI_PROJECT_ID: 'proj_from_env',
      }),
    );
    cleanups.push(() => runtime.model.close());
    expect(runtime.label).toBe(
      `OpenAI at 127.0.0.1:${fake.port} (OPENAI_BASE_URL), model gpt-realtime`,
    );
    const session = runtime.model.session(runtime.sessionOverrides());
    // a round trip: the session is connected once the fake acknowledged it
    await session.conversation.item.create({ role: 'user', content: 'hello' });
    expect(fake.handshakes).toHaveLength(1);
    const [handshake] = fake.handshakes;
    expect(handshake!.url).toBe('/v1/realtime?model=gpt-realtime');
    expect(handshake!.headers).toMatchObject({
      authorization: `Bearer ${KEY}`,
      'openai-organization': 'org-from-env',
      'openai-project': 'proj_from_env',
    });
  });

  it('accepts SIP calls and opens their side-bands at OPENAI_BASE_URL too', async () => {
    const fake = await startFake();
    const provider = openaiProvider({
      OPENAI_BASE_URL: fake.url,
      OPENAI_PROJECT_ID: 'proj_from_env',
    });
    const runtime = createProviderRuntime(provider);
    cleanups.push(() => runtime.model.close());
    const sip = openaiSipOptions(provider, SECRET);
    const call = fake.sip.incoming();
    await sip.calls.accept(call.callId, { type: 'realtime', model: provider.model });
    expect(call.state).toBe('active');
    const session = runtime.model.session(sip.sideband(call.callId));
    await session.conversation.item.create({ role: 'user', content: 'hello' });
    expect(call.sidebands).toHaveLength(1);
    const sideband = fake.handshakes.at(-1)!;
    expect(sideband.url).toBe(`/v1/realtime?call_id=${call.callId}`);
    expect(sideband.headers).toMatchObject({ 'openai-project': 'proj_from_env' });
    expect(sideband.headers['openai-organization']).toBeUndefined();
  });

  it('says only "OpenAI" without OPENAI_BASE_URL (api.openai.com)', () => {
    const runtime = createProviderRuntime(openaiProvider({}));
    cleanups.push(() => runtime.model.close());
    expect(runtime.label).toBe('OpenAI, model gpt-realtime');
  });
});

describe('a provider URL without TLS', () => {
  const azure = {
    AZURE_OPENAI_API_KEY: 'az-key',
    AZURE_OPENAI_DEPLOYMENT: 'gpt-realtime',
  };

  it('is refused at start for a host that is not loopback, naming the variable that allows it', () => {
    const openai = openaiProvider({ OPENAI_BASE_URL: 'ws://192.0.2.2:1/v1?subscription-key=S' });
    const refused = insecureMessage('OPENAI_BASE_URL', 'ws://192.0.2.2:1');
    expect(() => createProviderRuntime(openai)).toThrow(new ConfigError(refused));
    // SIP mode's REST client is refused the same way (main makes it after the runtime)
    expect(() => openaiSipOptions(openai, SECRET)).toThrow(new ConfigError(refused));
    const { provider } = parseConfig({ ...azure, AZURE_OPENAI_ENDPOINT: 'http://example.com' });
    expect(() => createProviderRuntime(provider)).toThrow(
      new ConfigError(insecureMessage('AZURE_OPENAI_ENDPOINT', 'http://example.com')),
    );
  });

  it('is allowed with VOXWIRE_ALLOW_INSECURE_URL=1, and to loopback without it', () => {
    const openai = openaiProvider({
      OPENAI_BASE_URL: 'ws://192.0.2.2:1/v1',
      VOXWIRE_ALLOW_INSECURE_URL: '1',
    });
    const allowed: ProviderConfig[] = [
      openai,
      parseConfig({
        ...azure,
        AZURE_OPENAI_ENDPOINT: 'http://example.com',
        VOXWIRE_ALLOW_INSECURE_URL: 'true',
      }).provider,
      openaiProvider({ OPENAI_BASE_URL: 'ws://localhost:1/v1' }),
    ];
    for (const provider of allowed) {
      // nothing connects until a call comes in
      const runtime = createProviderRuntime(provider);
      cleanups.push(() => runtime.model.close());
    }
    expect(() => openaiSipOptions(openai, SECRET)).not.toThrow();
  });
});

describe('a provider URL that is no URL', () => {
  it('is a ConfigError naming its variable (main exits 2 with it), with the connector’s reason', () => {
    for (const url of ['notaurl', 'ftp://gw.example/v1']) {
      const openai = openaiProvider({ OPENAI_BASE_URL: url });
      expect(() => createProviderRuntime(openai)).toThrow(ConfigError);
      expect(() => createProviderRuntime(openai)).toThrow(
        /^OPENAI_BASE_URL is not a usable URL \(wss:\/\/ or https:\/\/; ws:\/\/ or http:\/\/ to this machine\): The base URL /,
      );
    }
    const { provider } = parseConfig({
      AZURE_OPENAI_API_KEY: 'az-key',
      AZURE_OPENAI_DEPLOYMENT: 'gpt-realtime',
      AZURE_OPENAI_ENDPOINT: 'notaurl',
    });
    expect(() => createProviderRuntime(provider)).toThrow(ConfigError);
    expect(() => createProviderRuntime(provider)).toThrow(
      /^AZURE_OPENAI_ENDPOINT is not a usable URL/,
    );
  });
});
