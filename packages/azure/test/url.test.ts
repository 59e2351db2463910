import { describe, expect, it } from 'vitest';
import { azureRealtimeUrl, isPreviewApiVersion } from '../src/index.js';

const endpoint = 'https://res.openai.azure.com';

describe('azureRealtimeUrl', () => {
  it('GA by default: /openai/v1/realtime?model=<deployment>, no api-version, beta never', () => {
    const target = azureRealtimeUrl({ endpoint, deployment: 'gpt-realtime' });
    expect(target.url.toString()).toBe(
      'wss://res.openai.azure.com/openai/v1/realtime?model=gpt-realtime',
    );
    expect(target).toMatchObject({ dialect: 'ga', form: 'ga' });
  });

  it('a preview api-version selects /openai/realtime?api-version=…&deployment=… and the beta dialect', () => {
    const target = azureRealtimeUrl({
      endpoint: endpoint + '/',
      deployment: 'gpt-4o-realtime-preview',
      apiVersion: '2025-04-01-preview',
    });
    expect(target.url.toString()).toBe(
      'wss://res.openai.azure.com/openai/realtime?api-version=2025-04-01-preview&deployment=gpt-4o-realtime-preview',
    );
    expect(target).toMatchObject({ dialect: 'beta', form: 'preview' });
  });

  it('an endpoint copied with its /openai or /openai/v1 path is not doubled', () => {
    // the v1 base URL Azure's SDK samples show (`https://<resource>.openai.azure.com/openai/v1/`)
    // is a common thing to paste as the endpoint; doubled, it became a 404
    for (const pasted of ['/openai', '/openai/', '/openai/v1', '/openai/v1/']) {
      expect(
        azureRealtimeUrl({ endpoint: endpoint + pasted, deployment: 'd' }).url.toString(),
      ).toBe('wss://res.openai.azure.com/openai/v1/realtime?model=d');
      expect(
        azureRealtimeUrl({
          endpoint: endpoint + pasted,
          deployment: 'd',
          apiVersion: '2025-04-01-preview',
        }).url.toString(),
      ).toBe(
        'wss://res.openai.azure.com/openai/realtime?api-version=2025-04-01-preview&deployment=d',
      );
    }
    // a resource path that only contains "openai" elsewhere still gets /openai appended
    expect(
      azureRealtimeUrl({ endpoint: 'https://gw.example.com/openai-proxy', deployment: 'd' }).url
        .pathname,
    ).toBe('/openai-proxy/openai/v1/realtime');
  });

  it("an endpoint pasted as a deployment's full realtime URL (the portal's target URI) is neither doubled nor left with its query", () => {
    const pasted = [
      `${endpoint}/openai/realtime?api-version=2024-10-01-preview&deployment=old-dep`,
      `${endpoint}/openai/v1/realtime?model=old-dep`,
      `${endpoint}/openai/realtime/`,
    ];
    for (const url of pasted) {
      expect(azureRealtimeUrl({ endpoint: url, deployment: 'd' }).url.toString()).toBe(
        'wss://res.openai.azure.com/openai/v1/realtime?model=d',
      );
      expect(
        azureRealtimeUrl({
          endpoint: url,
          deployment: 'd',
          apiVersion: '2025-04-01-preview',
        }).url.toString(),
      ).toBe(
        'wss://res.openai.azure.com/openai/realtime?api-version=2025-04-01-preview&deployment=d',
      );
    }
  });

  it("an endpoint or base URL pasted with a deployment's path (/openai/deployments/<name>, a chat target URI) is cut back to /openai", () => {
    // the portal's target URI of a chat deployment, and openai-python's Azure base URL for a
    // deployment (the seed's `base_url`): appended to, they named no realtime endpoint (404)
    const pasted = [
      `${endpoint}/openai/deployments/old-dep`,
      `${endpoint}/openai/deployments/old-dep/`,
      `${endpoint}/openai/deployments/old-dep/chat/completions?api-version=2025-01-01-preview`,
    ];
    for (const url of pasted) {
      for (const which of ['endpoint', 'baseURL'] as const) {
        expect(azureRealtimeUrl({ [which]: url, deployment: 'd' }).url.toString()).toBe(
          'wss://res.openai.azure.com/openai/v1/realtime?model=d',
        );
        expect(
          azureRealtimeUrl({
            [which]: url,
            deployment: 'd',
            apiVersion: '2025-04-01-preview',
          }).url.toString(),
        ).toBe(
          'wss://res.openai.azure.com/openai/realtime?api-version=2025-04-01-preview&deployment=d',
        );
      }
    }
    // a gateway's prefix before it is kept
    expect(
      azureRealtimeUrl({
        baseURL: 'https://gw.example.com/aoai/openai/deployments/x',
        deployment: 'd',
      }).url.toString(),
    ).toBe('wss://gw.example.com/aoai/openai/v1/realtime?model=d');
  });

  it("a base URL that is an Azure resource's bare endpoint gets its /openai, as an endpoint does", () => {
    // `baseURL: AZURE_OPENAI_ENDPOINT` is an easy slip: used as given it was /v1/realtime (404)
    for (const host of ['res.openai.azure.com', 'res.cognitiveservices.azure.com']) {
      for (const baseURL of [`https://${host}`, `https://${host}/`]) {
        expect(azureRealtimeUrl({ baseURL, deployment: 'd' }).url.toString()).toBe(
          `wss://${host}/openai/v1/realtime?model=d`,
        );
        expect(
          azureRealtimeUrl({
            baseURL,
            deployment: 'd',
            apiVersion: '2025-04-01-preview',
          }).url.toString(),
        ).toBe(`wss://${host}/openai/realtime?api-version=2025-04-01-preview&deployment=d`);
      }
    }
    // any other host's bare base URL is a gateway's, used as given
    expect(
      azureRealtimeUrl({ baseURL: 'https://gw.example.com', deployment: 'd' }).url.pathname,
    ).toBe('/v1/realtime');
  });

  it("a base URL's own realtime parameters never go out next to the options' (a stray deployment or intent)", () => {
    const target = azureRealtimeUrl({
      baseURL:
        'https://gw.example.com/openai?deployment=old&intent=transcription&call_id=c1&region=eu',
      deployment: 'd',
    });
    expect(target.url.toString()).toBe('wss://gw.example.com/openai/v1/realtime?region=eu&model=d');
    const preview = azureRealtimeUrl({
      baseURL: 'https://gw.example.com/openai?model=old&region=eu',
      deployment: 'd',
      apiVersion: '2025-04-01-preview',
    });
    expect(preview.url.toString()).toBe(
      'wss://gw.example.com/openai/realtime?region=eu&api-version=2025-04-01-preview&deployment=d',
    );
  });

  it('a GA api-version is not sent (the GA path answers 401 to one)', () => {
    const target = azureRealtimeUrl({ endpoint, deployment: 'd', apiVersion: '2025-08-28' });
    expect(target.url.searchParams.has('api-version')).toBe(false);
    expect(target.dialect).toBe('ga');
  });

  it.each([
    [
      'https://res.openai.azure.com/openai',
      undefined,
      'wss://res.openai.azure.com/openai/v1/realtime?model=d',
    ],
    [
      'https://res.openai.azure.com/openai/v1/',
      undefined,
      'wss://res.openai.azure.com/openai/v1/realtime?model=d',
    ],
    [
      'https://res.openai.azure.com/openai/v1',
      '2024-10-01-preview',
      'wss://res.openai.azure.com/openai/realtime?api-version=2024-10-01-preview&deployment=d',
    ],
    [
      'https://gw.example.com/azure/openai/v1/realtime',
      undefined,
      'wss://gw.example.com/azure/openai/v1/realtime?model=d',
    ],
    ['http://127.0.0.1:9000/openai', undefined, 'ws://127.0.0.1:9000/openai/v1/realtime?model=d'],
  ])('baseURL %s (api-version %s) → %s', (baseURL, apiVersion, expected) => {
    expect(azureRealtimeUrl({ baseURL, deployment: 'd', apiVersion }).url.toString()).toBe(
      expected,
    );
  });

  it('adds intent and call_id on GA only', () => {
    expect(
      azureRealtimeUrl({ endpoint, deployment: 'd', intent: 'transcription', callId: 'c1' }).url
        .search,
    ).toBe('?model=d&intent=transcription&call_id=c1');
    expect(
      azureRealtimeUrl({
        endpoint,
        deployment: 'd',
        intent: 'transcription',
        apiVersion: '2025-04-01-preview',
      }).url.searchParams.has('intent'),
    ).toBe(false);
  });

  it('drops credential-like query parameters of a base URL', () => {
    expect(
      azureRealtimeUrl({
        baseURL: 'https://gw.example.com/openai?api-key=abc&region=eu',
        deployment: 'd',
      }).url.toString(),
    ).toBe('wss://gw.example.com/openai/v1/realtime?region=eu&model=d');
  });

  it('the seed errors, typed', () => {
    expect(() => azureRealtimeUrl({ endpoint, baseURL: endpoint, deployment: 'd' })).toThrow(
      'base_url and azure_endpoint are mutually exclusive',
    );
    expect(() => azureRealtimeUrl({ endpoint, baseURL: endpoint, deployment: 'd' })).toThrow(
      expect.objectContaining({ code: 'CONFLICTING_OPTIONS' }),
    );
    expect(() => azureRealtimeUrl({ deployment: 'd' })).toThrow(
      expect.objectContaining({ code: 'MISSING_OPTION' }),
    );
    expect(() => azureRealtimeUrl({ endpoint, deployment: ' ' })).toThrow(
      expect.objectContaining({ code: 'MISSING_OPTION' }),
    );
    expect(() => azureRealtimeUrl({ endpoint: 'ftp://x', deployment: 'd' })).toThrow(
      expect.objectContaining({ code: 'INVALID_URL' }),
    );
  });

  it('recognises preview versions', () => {
    expect(isPreviewApiVersion('2025-04-01-preview')).toBe(true);
    expect(isPreviewApiVersion('2025-08-28')).toBe(false);
    expect(isPreviewApiVersion(undefined)).toBe(false);
  });
});

describe('a base URL that already ends in an Azure realtime path', () => {
  // the other form's path with these options was sure to fail: the GA path answers an
  // api-version with 401 (reported as AUTH_FAILED, "check the API key"), the preview path
  // answers a request without one with 404
  it.each([
    [
      'https://gw.example.com/azure/openai/v1/realtime',
      '2025-04-01-preview',
      'wss://gw.example.com/azure/openai/realtime?api-version=2025-04-01-preview&deployment=d',
    ],
    [
      'https://res.openai.azure.com/openai/realtime?api-version=2025-04-01-preview&deployment=old',
      undefined,
      'wss://res.openai.azure.com/openai/v1/realtime?model=d',
    ],
    [
      'https://res.openai.azure.com/openai/realtime/',
      '2025-04-01-preview',
      'wss://res.openai.azure.com/openai/realtime?api-version=2025-04-01-preview&deployment=d',
    ],
    // a gateway's own realtime path is its business: used as given
    [
      'https://gw.example.com/voice/realtime',
      '2025-04-01-preview',
      'wss://gw.example.com/voice/realtime?api-version=2025-04-01-preview&deployment=d',
    ],
  ])('baseURL %s (api-version %s) → %s', (baseURL, apiVersion, expected) => {
    expect(azureRealtimeUrl({ baseURL, deployment: 'd', apiVersion }).url.toString()).toBe(
      expected,
    );
  });
});

describe('Azure path forms are matched whatever their case', () => {
  // a path typed or pasted in another case (`/OpenAI/v1/`, `/openai/Deployments/…`) named the
  // same endpoint but missed every rule: doubled (`/OpenAI/v1/openai/v1/realtime`) or left with
  // its deployment path, a 404. The known segments come out in Azure's own lower case
  const GA = 'wss://res.openai.azure.com/openai/v1/realtime?model=d';
  const PREVIEW =
    'wss://res.openai.azure.com/openai/realtime?api-version=2025-04-01-preview&deployment=d';
  it.each([
    ['endpoint', 'https://RES.OpenAI.Azure.com/OpenAI/v1/', undefined, GA],
    ['endpoint', 'https://res.openai.azure.com/OPENAI', undefined, GA],
    ['endpoint', 'https://res.openai.azure.com/openai/V1', '2025-04-01-preview', PREVIEW],
    [
      'endpoint',
      'https://res.openai.azure.com/openai/Deployments/gpt-4o/chat/completions?api-version=2024-10-21',
      undefined,
      GA,
    ],
    [
      'endpoint',
      'https://res.openai.azure.com/OpenAI/Realtime?api-version=2025-04-01-preview&deployment=old',
      undefined,
      GA,
    ],
    ['endpoint', 'https://res.openai.azure.com/openai/v1/REALTIME', '2025-04-01-preview', PREVIEW],
    ['baseURL', 'https://res.openai.azure.com/OpenAI', undefined, GA],
    ['baseURL', 'https://res.openai.azure.com/OpenAI/V1/', '2025-04-01-preview', PREVIEW],
    ['baseURL', 'https://res.openai.azure.com/OpenAI/Deployments/gpt-4o', undefined, GA],
    ['baseURL', 'https://res.openai.azure.com/openai/V1/Realtime', '2025-04-01-preview', PREVIEW],
    // a gateway's own realtime path, in its own case, is still used as given
    [
      'baseURL',
      'https://gw.example.com/Voice/Realtime',
      undefined,
      'wss://gw.example.com/Voice/Realtime?model=d',
    ],
  ] as const)('%s %s (api-version %s) → %s', (option, url, apiVersion, expected) => {
    expect(azureRealtimeUrl({ [option]: url, deployment: 'd', apiVersion }).url.toString()).toBe(
      expected,
    );
  });
});
