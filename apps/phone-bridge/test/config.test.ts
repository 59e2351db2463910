import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config.js';
import { stopOnSignals } from '../src/stop-signals.js';

describe('configuration', () => {
  it('the fake server without credentials, on 127.0.0.1:8080', () => {
    expect(parseConfig({})).toEqual({
      host: '127.0.0.1',
      port: 8080,
      publicUrl: undefined,
      provider: { kind: 'fake' },
      twilioAuthToken: undefined,
      // SIP mode is always on with the fake: a local fake trunk, a generated secret
      sip: true,
      webhookSecret: undefined,
      openaiProjectId: undefined,
    });
    expect(parseConfig({ TWILIO_AUTH_TOKEN: ' tok \n' }).twilioAuthToken).toBe('tok');
  });

  it('OpenAI with OPENAI_API_KEY, Azure when its three variables are set', () => {
    expect(parseConfig({ OPENAI_API_KEY: 'sk-1', PORT: '9000', HOST: '0.0.0.0' })).toMatchObject({
      host: '0.0.0.0',
      port: 9000,
      provider: { kind: 'openai', apiKey: 'sk-1', model: 'gpt-realtime' },
    });
    expect(
      parseConfig({
        OPENAI_API_KEY: 'sk-1',
        AZURE_OPENAI_ENDPOINT: 'https://r.openai.azure.com',
        AZURE_OPENAI_API_KEY: 'az',
        AZURE_OPENAI_DEPLOYMENT: 'gpt-realtime',
      }).provider,
    ).toEqual({
      kind: 'azure',
      endpoint: 'https://r.openai.azure.com',
      apiKey: 'az',
      deployment: 'gpt-realtime',
      allowInsecureUrl: false,
    });
  });

  it('reads OPENAI_BASE_URL, OPENAI_ORG_ID and OPENAI_PROJECT_ID for the OpenAI provider, as @voxwire/node does', () => {
    expect(parseConfig({ OPENAI_API_KEY: 'sk-1' }).provider).toEqual({
      kind: 'openai',
      apiKey: 'sk-1',
      model: 'gpt-realtime',
      baseUrl: undefined,
      organization: undefined,
      project: undefined,
      allowInsecureUrl: false,
    });
    expect(
      parseConfig({
        OPENAI_API_KEY: 'sk-1',
        OPENAI_BASE_URL: ' https://gw.example/openai/v1 ',
        OPENAI_ORG_ID: 'org-1',
        OPENAI_PROJECT_ID: 'proj_1',
        // empty is unset, as @voxwire/node reads it
        OPENAI_REALTIME_MODEL: '',
      }).provider,
    ).toEqual({
      kind: 'openai',
      apiKey: 'sk-1',
      model: 'gpt-realtime',
      baseUrl: 'https://gw.example/openai/v1',
      organization: 'org-1',
      project: 'proj_1',
      allowInsecureUrl: false,
    });
  });

  it('VOXWIRE_ALLOW_INSECURE_URL is 1/true or 0/false; anything else is a ConfigError', () => {
    const openai = (value: string) =>
      parseConfig({ OPENAI_API_KEY: 'sk-1', VOXWIRE_ALLOW_INSECURE_URL: value }).provider;
    for (const value of ['1', 'true', ' TRUE '])
      expect(openai(value)).toMatchObject({ allowInsecureUrl: true });
    for (const value of ['', '0', 'false'])
      expect(openai(value)).toMatchObject({ allowInsecureUrl: false });
    expect(() => openai('yes')).toThrow(
      new ConfigError(
        'VOXWIRE_ALLOW_INSECURE_URL must be 1 (allow a provider URL without TLS) or 0, got "yes"',
      ),
    );
  });

  it('a bad PORT or PUBLIC_URL is a ConfigError that says what is wrong', () => {
    expect(() => parseConfig({ PORT: 'eighty' })).toThrow(
      new ConfigError('PORT must be a port number 0-65535, got "eighty"'),
    );
    expect(() => parseConfig({ PUBLIC_URL: 'abc.ngrok.app' })).toThrow(
      new ConfigError('PUBLIC_URL must be an https:// URL, got "abc.ngrok.app"'),
    );
  });

  it('an http:// PUBLIC_URL is refused (Twilio connects only to wss://), unless VOXWIRE_ALLOW_INSECURE_URL allows it for a local test', () => {
    expect(() => parseConfig({ PUBLIC_URL: 'http://abc.ngrok.app' })).toThrow(
      new ConfigError(
        'PUBLIC_URL must be an https:// URL (Twilio connects only to wss://), got "http://abc.ngrok.app"; for a local test without TLS, set VOXWIRE_ALLOW_INSECURE_URL=1',
      ),
    );
    expect(
      parseConfig({ PUBLIC_URL: 'http://127.0.0.1:8080', VOXWIRE_ALLOW_INSECURE_URL: '1' })
        .publicUrl,
    ).toBe('http://127.0.0.1:8080');
  });

  it('a PUBLIC_URL with a path or a query is a ConfigError: the bridge’s own paths are the ones Twilio requests and signs', () => {
    for (const url of [
      'https://abc.ngrok.app/twiml',
      'https://example.com/phone',
      'https://abc.ngrok.app/?x=1',
    ])
      expect(() => parseConfig({ PUBLIC_URL: url })).toThrow(
        new ConfigError(
          `PUBLIC_URL must be an origin such as https://abc.ngrok.app, without a path or query (the bridge serves ${'/twiml'} and ${'/media-stream'} at its root), got "${url}"`,
        ),
      );
    expect(parseConfig({ PUBLIC_URL: 'https://abc.ngrok.app/' }).publicUrl).toBe(
      'https://abc.ngrok.app/',
    );
    expect(parseConfig({ PUBLIC_URL: 'https://abc.ngrok.app:8443' }).publicUrl).toBe(
      'https://abc.ngrok.app:8443',
    );
  });
});

describe('a provider half configured', () => {
  const AZURE = {
    AZURE_OPENAI_ENDPOINT: 'https://r.openai.azure.com',
    AZURE_OPENAI_API_KEY: 'az',
    AZURE_OPENAI_DEPLOYMENT: 'gpt-realtime',
  };
  const without = (...names: (keyof typeof AZURE)[]) =>
    Object.fromEntries(Object.entries(AZURE).filter(([name]) => !names.includes(name as never)));

  it('some of the Azure variables is a ConfigError naming the missing ones, not the fake or OpenAI', () => {
    const deployment = 'AZURE_OPENAI_DEPLOYMENT (or AZURE_OPENAI_REALTIME_DEPLOYMENT)';
    const cases: [Record<string, string>, string][] = [
      [without('AZURE_OPENAI_DEPLOYMENT'), `${deployment} is not set. Set it,`],
      [without('AZURE_OPENAI_API_KEY'), 'AZURE_OPENAI_API_KEY is not set. Set it,'],
      [without('AZURE_OPENAI_ENDPOINT'), 'AZURE_OPENAI_ENDPOINT is not set. Set it,'],
      [
        without('AZURE_OPENAI_ENDPOINT', 'AZURE_OPENAI_DEPLOYMENT'),
        `AZURE_OPENAI_ENDPOINT and ${deployment} are not set. Set them,`,
      ],
      [
        { AZURE_OPENAI_REALTIME_DEPLOYMENT: 'gpt-realtime' },
        'AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_API_KEY are not set. Set them,',
      ],
    ];
    for (const [env, missing] of cases)
      for (const openai of [{}, { OPENAI_API_KEY: 'sk-1' }])
        expect(() => parseConfig({ ...env, ...openai })).toThrow(
          new ConfigError(
            `Azure OpenAI needs AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY and AZURE_OPENAI_DEPLOYMENT together: ${missing} or unset the Azure variables to use OPENAI_API_KEY or the embedded fake`,
          ),
        );
    // empty is unset, as everywhere else: an empty Azure variable left in a .env is no Azure
    expect(
      parseConfig({ AZURE_OPENAI_ENDPOINT: ' ', OPENAI_API_KEY: 'sk-1' }).provider,
    ).toMatchObject({
      kind: 'openai',
    });
    expect(
      parseConfig({
        ...without('AZURE_OPENAI_DEPLOYMENT'),
        AZURE_OPENAI_REALTIME_DEPLOYMENT: 'rt',
      }).provider,
    ).toMatchObject({ kind: 'azure', deployment: 'rt' });
  });

  it('OpenAI’s variables without OPENAI_API_KEY are a ConfigError naming them, not the fake', () => {
    expect(() => parseConfig({ OPENAI_BASE_URL: 'ws://127.0.0.1:8081/v1' })).toThrow(
      new ConfigError(
        'OPENAI_BASE_URL is set but OPENAI_API_KEY is not: set the key to use OpenAI, or unset it to use the embedded fake',
      ),
    );
    expect(() =>
      parseConfig({ OPENAI_REALTIME_MODEL: 'gpt-realtime-mini', OPENAI_PROJECT_ID: 'proj_1' }),
    ).toThrow(
      new ConfigError(
        'OPENAI_REALTIME_MODEL, OPENAI_PROJECT_ID are set but OPENAI_API_KEY is not: set the key to use OpenAI, or unset them to use the embedded fake',
      ),
    );
    expect(() => parseConfig({ OPENAI_ORG_ID: 'org-1' })).toThrow(/OPENAI_ORG_ID is set/);
    // with the key they are OpenAI's, and with Azure complete they are ignored as before
    expect(
      parseConfig({ OPENAI_BASE_URL: 'https://gw.example/v1', OPENAI_API_KEY: 'sk-1' }).provider,
    ).toMatchObject({
      kind: 'openai',
    });
    expect(parseConfig({ ...AZURE, OPENAI_PROJECT_ID: 'proj_1' }).provider).toMatchObject({
      kind: 'azure',
    });
  });
});

describe('SIP mode configuration', () => {
  const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

  it('is on with OPENAI_WEBHOOK_SECRET and the OpenAI provider, off without the secret', () => {
    expect(parseConfig({ OPENAI_API_KEY: 'sk-1' })).toMatchObject({
      sip: false,
      webhookSecret: undefined,
    });
    expect(
      parseConfig({
        OPENAI_API_KEY: 'sk-1',
        OPENAI_WEBHOOK_SECRET: ` ${SECRET}\n`,
        OPENAI_PROJECT_ID: 'proj_123',
      }),
    ).toMatchObject({ sip: true, webhookSecret: SECRET, openaiProjectId: 'proj_123' });
    // the fake takes a secret that is set instead of generating one
    expect(parseConfig({ OPENAI_WEBHOOK_SECRET: SECRET })).toMatchObject({
      provider: { kind: 'fake' },
      sip: true,
      webhookSecret: SECRET,
    });
  });

  it('refuses a secret that is no signing secret, with any provider', () => {
    for (const env of [{}, { OPENAI_API_KEY: 'sk-1' }])
      // bare base64 (`nope`, `hunter2`) decodes to a key, but OpenAI's secrets always carry whsec_
      for (const secret of [
        'whsec_',
        'whsec_not base64!',
        'sk-proj-pasted-the-wrong-key',
        'nope',
        'hunter2',
        'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      ])
        expect(() => parseConfig({ ...env, OPENAI_WEBHOOK_SECRET: secret })).toThrow(
          new ConfigError(
            "OPENAI_WEBHOOK_SECRET must be the webhook's signing secret as the OpenAI dashboard shows it, whsec_ followed by base64",
          ),
        );
  });

  it('refuses SIP mode with Azure, saying why', () => {
    const azure = {
      AZURE_OPENAI_ENDPOINT: 'https://r.openai.azure.com',
      AZURE_OPENAI_API_KEY: 'az',
      AZURE_OPENAI_DEPLOYMENT: 'gpt-realtime',
    };
    expect(parseConfig(azure).sip).toBe(false);
    expect(() => parseConfig({ ...azure, OPENAI_WEBHOOK_SECRET: SECRET })).toThrow(
      /OpenAI's SIP trunk: Azure OpenAI has no SIP trunk/,
    );
    expect(() => parseConfig({ ...azure, OPENAI_WEBHOOK_SECRET: SECRET })).toThrow(ConfigError);
  });
});

describe('Ctrl-C', () => {
  it('the first signal ends the calls, then exits 0; a second exits at once', async () => {
    const target = Object.assign(new EventEmitter(), { codes: [] as number[] });
    const lines: string[] = [];
    let finish!: () => void;
    const closing = new Promise<void>((resolve) => (finish = resolve));
    stopOnSignals(
      { on: (s, l) => target.on(s, l), exit: (code) => target.codes.push(code) },
      () => closing,
      (line) => lines.push(line),
    );
    target.emit('SIGINT');
    expect(target.codes).toEqual([]);
    target.emit('SIGTERM');
    expect(target.codes).toEqual([130]);
    finish();
    await closing;
    await Promise.resolve();
    expect(target.codes).toEqual([130, 0]);
    expect(lines).toEqual([
      'phone-bridge: stopping (ending calls; Ctrl-C again to quit at once)',
      'phone-bridge: stopped without waiting',
    ]);
  });
});
