/**
 * `createAzureClientSecret`'s options as the connector takes them: a key that is no option is
 * refused naming the likeliest (not minted without it), `transcriptionDeployment` is the minted
 * session's transcription model (as the connector sends it), a string expiry is refused saying
 * so, and a plain-HTTP endpoint is refused naming the URL the mint would POST to.
 */
import { describe, expect, it } from 'vitest';
import { createAzureClientSecret, type CreateAzureClientSecretOptions } from '../src/index.js';

const KEY = 'azure-mint-key-SECRET-0123456789';
const ENDPOINT = 'https://my-resource.openai.azure.com';
const ANSWER = { value: 'ek_azure', expires_at: 1_900_000_000, session: {} };

/** A fetch answering 200, recording every request's body. */
function recording() {
  const bodies: { session: Record<string, unknown> }[] = [];
  const fetch = (async (_url: string | URL | Request, init?: RequestInit) => {
    bodies.push(JSON.parse(String(init?.body)) as { session: Record<string, unknown> });
    return new Response(JSON.stringify(ANSWER));
  }) as typeof globalThis.fetch;
  return { fetch, bodies };
}

const failure = (call: Promise<unknown>) => call.then(() => undefined).catch((e: unknown) => e);

function mint(extra: Record<string, unknown>, fetch: typeof globalThis.fetch) {
  return createAzureClientSecret({
    azureDeployment: 'my-rt',
    azureEndpoint: ENDPOINT,
    apiKey: KEY,
    fetch,
    env: {},
    ...extra,
  } as CreateAzureClientSecretOptions);
}

describe('createAzureClientSecret: options', () => {
  it.each([
    ['apiversion', 'apiVersion', '2025-04-01-preview'],
    ['azure_endpoint', 'azureEndpoint', ENDPOINT],
    ['transcription_deployment', 'transcriptionDeployment', 'my-whisper'],
  ])('refuses %s, no option of it, naming %s, before any request', async (key, likely, value) => {
    const { fetch, bodies } = recording();
    expect(await failure(mint({ [key]: value }, fetch))).toMatchObject({
      name: 'ConfigurationError',
      code: 'INVALID_OPTION',
      message: `${key} is no option of createAzureClientSecret (did you mean ${likely}?).`,
    });
    expect(bodies).toHaveLength(0);
  });

  it('a key left undefined (a spread config) passes, as the connector lets it', async () => {
    const { fetch, bodies } = recording();
    await mint({ timeoutMs: undefined }, fetch);
    expect(bodies).toHaveLength(1);
  });

  it('transcriptionDeployment replaces the session transcription model, trimmed, keeping its other fields', async () => {
    const { fetch, bodies } = recording();
    const session = {
      audio: { input: { transcription: { model: 'whisper-1', language: 'nb' }, format: 'x' } },
    };
    await mint({ transcriptionDeployment: ' my-whisper\n', session }, fetch);
    expect(bodies[0]!.session).toEqual({
      type: 'realtime',
      model: 'my-rt',
      audio: { input: { transcription: { model: 'my-whisper', language: 'nb' }, format: 'x' } },
    });
    // the caller's object is left as it was
    expect(session.audio.input.transcription.model).toBe('whisper-1');
  });

  it('transcriptionDeployment gives a session that names no transcription one with that model', async () => {
    const { fetch, bodies } = recording();
    await mint(
      {
        transcriptionDeployment: 'my-whisper',
        session: { instructions: 'Be brief.', audio: { output: { voice: 'marin' } } },
      },
      fetch,
    );
    expect(bodies[0]!.session).toEqual({
      type: 'realtime',
      model: 'my-rt',
      instructions: 'Be brief.',
      audio: { output: { voice: 'marin' }, input: { transcription: { model: 'my-whisper' } } },
    });
    // a transcription session too: its model is a deployment as well
    await mint(
      { transcriptionDeployment: 'my-whisper', session: { type: 'transcription' } },
      fetch,
    );
    expect(bodies[1]!.session).toEqual({
      type: 'transcription',
      audio: { input: { transcription: { model: 'my-whisper' } } },
    });
  });

  it('transcriptionDeployment beside a transcription turned off (null) is CONFLICTING_OPTIONS; a blank one MISSING_OPTION', async () => {
    const { fetch, bodies } = recording();
    expect(
      await failure(
        mint(
          {
            transcriptionDeployment: 'my-whisper',
            session: { audio: { input: { transcription: null } } },
          },
          fetch,
        ),
      ),
    ).toMatchObject({ code: 'CONFLICTING_OPTIONS', message: expect.stringContaining('null') });
    expect(await failure(mint({ transcriptionDeployment: ' ' }, fetch))).toMatchObject({
      code: 'MISSING_OPTION',
    });
    expect(bodies).toHaveLength(0);
  });

  it('a string expiresAfterSeconds is refused saying it is a string', async () => {
    const { fetch, bodies } = recording();
    expect(await failure(mint({ expiresAfterSeconds: '600' }, fetch))).toMatchObject({
      code: 'INVALID_OPTION',
      message:
        'expiresAfterSeconds must be a number (an integer from 10 to 7200), got the string "600".',
    });
    expect(bodies).toHaveLength(0);
  });

  it('a plain-HTTP endpoint is refused naming the http: URL the mint POSTs to, not a ws: one', async () => {
    const { fetch, bodies } = recording();
    const error = await failure(mint({ azureEndpoint: 'http://example.internal' }, fetch));
    expect(error).toMatchObject({
      code: 'INSECURE_URL',
      message: expect.stringContaining('Refusing to send credentials over http://example.internal'),
    });
    expect((error as Error).message).not.toContain('ws://');
    expect(bodies).toHaveLength(0);
    // and allowInsecureUrl still lets it through, to that URL
    await mint({ azureEndpoint: 'http://example.internal', allowInsecureUrl: true }, fetch);
    expect(bodies).toHaveLength(1);
  });
});
