import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, secretsOf } from '../src/server/config.js';

const azureEnv = {
  AZURE_OPENAI_ENDPOINT: 'https://r.openai.azure.com',
  AZURE_OPENAI_API_KEY: 'az-key',
  AZURE_OPENAI_DEPLOYMENT: 'gpt-realtime',
};

function config(argv: string[], env: Record<string, string> = {}) {
  const parsed = parseConfig(argv, env);
  if (parsed.help) throw new Error('unexpected help');
  return parsed.config;
}

describe('parseConfig', () => {
  it('defaults to the embedded fake on a free port', () => {
    expect(config([])).toEqual({ provider: { kind: 'fake' }, port: 0 });
  });

  it('picks OpenAI when OPENAI_API_KEY is set, with the default model', () => {
    expect(config([], { OPENAI_API_KEY: 'sk-x' }).provider).toEqual({
      kind: 'openai',
      apiKey: 'sk-x',
      model: 'gpt-realtime',
      baseUrl: undefined,
      organization: undefined,
      project: undefined,
      allowInsecureUrl: false,
    });
    expect(
      config([], {
        OPENAI_API_KEY: 'sk-x',
        OPENAI_REALTIME_MODEL: 'gpt-realtime-mini',
        OPENAI_BASE_URL: 'ws://127.0.0.1:1/v1',
      }).provider,
    ).toMatchObject({
      model: 'gpt-realtime-mini',
      baseUrl: 'ws://127.0.0.1:1/v1',
    });
  });

  it('reads OPENAI_ORG_ID and OPENAI_PROJECT_ID, as @voxwire/node does by default', () => {
    expect(
      config([], {
        OPENAI_API_KEY: 'sk-x',
        OPENAI_ORG_ID: ' org-1 ',
        OPENAI_PROJECT_ID: 'proj_1',
      }).provider,
    ).toMatchObject({ organization: 'org-1', project: 'proj_1' });
  });

  it('VOXWIRE_ALLOW_INSECURE_URL is 1/true or 0/false, for either provider; anything else is a ConfigError', () => {
    for (const [value, allowed] of [
      ['1', true],
      [' TRUE ', true],
      ['', false],
      ['0', false],
      ['false', false],
    ] as const) {
      const env = { VOXWIRE_ALLOW_INSECURE_URL: value };
      expect(config([], { ...env, OPENAI_API_KEY: 'sk-x' }).provider).toMatchObject({
        allowInsecureUrl: allowed,
      });
      expect(config([], { ...env, ...azureEnv }).provider).toMatchObject({
        allowInsecureUrl: allowed,
      });
    }
    // refused even with the fake, before it matters
    expect(() => config([], { VOXWIRE_ALLOW_INSECURE_URL: 'yes' })).toThrow(
      new ConfigError(
        'VOXWIRE_ALLOW_INSECURE_URL must be 1 (allow a provider URL without TLS) or 0, got "yes"',
      ),
    );
  });

  it('picks Azure when all three Azure variables are set (over OpenAI)', () => {
    expect(config([], { ...azureEnv, OPENAI_API_KEY: 'sk-x' }).provider).toEqual({
      kind: 'azure',
      endpoint: azureEnv.AZURE_OPENAI_ENDPOINT,
      apiKey: 'az-key',
      deployment: 'gpt-realtime',
      apiVersion: undefined,
      transcriptionDeployment: undefined,
      allowInsecureUrl: false,
    });
    // an incomplete Azure set is not Azure
    expect(
      config([], { AZURE_OPENAI_ENDPOINT: 'https://r.openai.azure.com', AZURE_OPENAI_API_KEY: 'k' })
        .provider.kind,
    ).toBe('fake');
    expect(
      config([], {
        AZURE_OPENAI_ENDPOINT: 'https://e',
        AZURE_OPENAI_API_KEY: 'k',
        AZURE_OPENAI_REALTIME_DEPLOYMENT: 'd',
      }).provider.kind,
    ).toBe('azure');
  });

  it('reads --port N, --port=N and PORT; the flag wins', () => {
    expect(config(['--port', '8123']).port).toBe(8123);
    expect(config(['--port=8124']).port).toBe(8124);
    expect(config([], { PORT: '9000' }).port).toBe(9000);
    expect(config(['--port', '1'], { PORT: '9000' }).port).toBe(1);
    expect(config(['--', '--port', '8125']).port).toBe(8125); // pnpm passes the separator through
  });

  it('--provider forces a provider, and explains what is missing', () => {
    expect(config(['--provider', 'fake'], { OPENAI_API_KEY: 'sk' }).provider.kind).toBe('fake');
    expect(() => config(['--provider', 'openai'])).toThrow(/OPENAI_API_KEY/);
    expect(() => config(['--provider=azure'])).toThrow(/AZURE_OPENAI_ENDPOINT/);
    expect(() => config(['--provider', 'gemini'])).toThrow(/fake, openai or azure/);
  });

  it('refuses bad ports and unknown arguments with a ConfigError', () => {
    for (const argv of [['--port', 'abc'], ['--port', '70000'], ['--port'], ['--verbose']]) {
      expect(() => config(argv)).toThrow(ConfigError);
    }
    expect(() => config([], { PORT: '-1' })).toThrow(/PORT/);
  });

  it('answers --help', () => {
    expect(parseConfig(['--help'], {})).toEqual({ help: true });
  });

  it('lists the secrets to scrub', () => {
    expect(secretsOf({ kind: 'fake' })).toEqual([]);
    expect(secretsOf(config([], { OPENAI_API_KEY: 'sk-1' }).provider)).toEqual(['sk-1']);
  });
});
