/**
 * The real provider factories and the environment: a provider URL without TLS to a host that is
 * not loopback is refused at start with a message naming VOXWIRE_ALLOW_INSECURE_URL (the
 * connectors' own names an option nobody running the playground can pass), and allowed with it;
 * OPENAI_ORG_ID and OPENAI_PROJECT_ID reach the provider's handshake.
 */
import { RealtimeModel } from '@voxwire/core';
import { startFakeWsServer } from '@voxwire/testing/ws';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/server/config.js';
import type { ProviderConfig } from '../src/server/config.js';
import { defaultProviderFactories } from '../src/server/default-providers.js';
import { startPlaygroundServer } from '../src/server/server.js';

const azureEnv = {
  AZURE_OPENAI_API_KEY: 'az-key',
  AZURE_OPENAI_DEPLOYMENT: 'gpt-realtime',
};

function providerOf(env: Record<string, string>): ProviderConfig {
  const parsed = parseConfig([], env);
  if (parsed.help) throw new Error('unexpected help');
  return parsed.config.provider;
}

/** Builds the real connector of `provider` (nothing connects until a session does). */
function connectorOf(provider: ProviderConfig) {
  if (provider.kind === 'openai') return defaultProviderFactories.openai(provider);
  if (provider.kind === 'azure') return defaultProviderFactories.azure(provider);
  throw new Error('expected a network provider');
}

/** The message printed for a provider URL refused for having no TLS. */
function insecureMessage(variable: string, origin: string): string {
  return `${variable} (${origin}) has no TLS and is not a loopback host: the API key would cross the network in clear, so it is refused. Use a wss:// or https:// URL (or ws://localhost for a server on this machine); for a server on a private network you trust (a voxwire-fake-server in a container network, say), set VOXWIRE_ALLOW_INSECURE_URL=1`;
}

describe('a provider URL without TLS', () => {
  it('is refused at start for a host that is not loopback, naming the variable that allows it', async () => {
    const openai = providerOf({
      OPENAI_API_KEY: 'sk-x',
      OPENAI_BASE_URL: 'ws://192.0.2.2:1/v1?subscription-key=S',
    });
    const refused = new ConfigError(insecureMessage('OPENAI_BASE_URL', 'ws://192.0.2.2:1'));
    expect(() => connectorOf(openai)).toThrow(refused);
    // the server refuses to start with it (main prints the message and exits 2)
    await expect(
      startPlaygroundServer({ provider: openai, factories: defaultProviderFactories, port: 0 }),
    ).rejects.toThrow(refused);
    const azure = providerOf({ ...azureEnv, AZURE_OPENAI_ENDPOINT: 'http://example.com' });
    expect(() => connectorOf(azure)).toThrow(
      new ConfigError(insecureMessage('AZURE_OPENAI_ENDPOINT', 'http://example.com')),
    );
  });

  it('is allowed with VOXWIRE_ALLOW_INSECURE_URL=1, and to loopback without it', () => {
    for (const env of [
      {
        OPENAI_API_KEY: 'sk-x',
        OPENAI_BASE_URL: 'ws://192.0.2.2:1/v1',
        VOXWIRE_ALLOW_INSECURE_URL: '1',
      },
      { ...azureEnv, AZURE_OPENAI_ENDPOINT: 'http://example.com', VOXWIRE_ALLOW_INSECURE_URL: '1' },
      { OPENAI_API_KEY: 'sk-x', OPENAI_BASE_URL: 'ws://localhost:1/v1' },
    ])
      expect(typeof connectorOf(providerOf(env))).toBe('function');
  });
});

describe('the OpenAI provider from the environment', () => {
  it('sends OPENAI_ORG_ID and OPENAI_PROJECT_ID to OPENAI_BASE_URL', async () => {
    const fake = await startFakeWsServer({ apiKey: 'sk-x', pingIntervalMs: false });
    const model = new RealtimeModel({
      connector: connectorOf(
        providerOf({
          OPENAI_API_KEY: 'sk-x',
          OPENAI_BASE_URL: fake.url,
          OPENAI_ORG_ID: 'org-from-env',
          OPENAI_PROJECT_ID: 'proj_from_env',
        }),
      ),
    });
    try {
      // a round trip: the session is connected once the fake acknowledged it
      await model.session().conversation.item.create({ role: 'user', content: 'hello' });
      expect(fake.handshakes).toHaveLength(1);
      expect(fake.handshakes[0]!.headers).toMatchObject({
        'openai-organization': 'org-from-env',
        'openai-project': 'proj_from_env',
      });
    } finally {
      await model.close();
      await fake.close();
    }
  });
});
