/**
 * A token that is only the header's word (`Bearer `, as `Bearer ${TOKEN}` gives with the variable
 * unset) is a blank token, refused as a blank one is, not sent as `Authorization: Bearer Bearer`
 * (which Azure answers with a fatal 401 that reads as a bad token).
 */
import { describe, expect, it } from 'vitest';
import { withoutBearerPrefix } from '../src/auth.js';
import { azureConnector, createAzureClientSecret } from '../src/index.js';

const base = { azureDeployment: 'd', azureEndpoint: 'https://a.openai.azure.com', env: {} };
const connectOnce = (connector: ReturnType<typeof azureConnector>) =>
  connector({ attempt: 0, signal: new AbortController().signal });

describe('a token that is only a Bearer prefix', () => {
  it.each(['Bearer ', 'bearer', ' Bearer \n'])(
    'entraToken %j is refused as a blank one is (MISSING_CREDENTIALS), connector and mint',
    async (entraToken) => {
      const blank = (() => {
        try {
          azureConnector({ ...base, entraToken: ' ' });
        } catch (error) {
          return error as Error;
        }
        throw new Error('a blank entraToken was accepted');
      })();
      expect(blank).toMatchObject({ code: 'MISSING_CREDENTIALS' });
      expect(() => azureConnector({ ...base, entraToken })).toThrow(
        expect.objectContaining({ code: 'MISSING_CREDENTIALS', message: blank.message }),
      );
      await expect(createAzureClientSecret({ ...base, entraToken })).rejects.toMatchObject({
        code: 'MISSING_CREDENTIALS',
        message: blank.message,
      });
    },
  );

  it.each(['Bearer ', 'BEARER'])(
    'a tokenProvider answering %j fails as an empty answer does (fatal CREDENTIAL_FAILED), nothing sent',
    async (answer) => {
      const empty = await connectOnce(azureConnector({ ...base, tokenProvider: () => '' })).catch(
        (e: unknown) => e,
      );
      expect(empty).toMatchObject({ code: 'CREDENTIAL_FAILED', fatal: true });
      await expect(
        connectOnce(azureConnector({ ...base, tokenProvider: () => answer })),
      ).rejects.toMatchObject({ code: 'CREDENTIAL_FAILED', fatal: true });
      let fetched = 0;
      const fetch = (async () => {
        fetched++;
        return new Response('{}');
      }) as typeof globalThis.fetch;
      await expect(
        createAzureClientSecret({ ...base, tokenProvider: () => answer, fetch }),
      ).rejects.toMatchObject({ code: 'CREDENTIAL_FAILED', fatal: true });
      expect(fetched).toBe(0);
    },
  );

  it('a word that only starts like it (a token "Bearerish…") is sent as it is', () => {
    expect(withoutBearerPrefix('Bearer eyJ.abc')).toBe('eyJ.abc');
    expect(withoutBearerPrefix('Bearerish-token')).toBe('Bearerish-token');
    expect(withoutBearerPrefix('Bearer')).toBe('');
  });
});
