/**
 * A gateway in front of the API (Azure API Management, a corporate proxy) may need a query
 * parameter on every request, `subscription-key=…` typically: the WebSocket connectors keep the
 * base URL's query, so minting a client secret must keep it too, or it fails where the socket
 * works. The realtime WebSocket's own parameters name nothing on the REST endpoint.
 */
import { describe, expect, it } from 'vitest';
import { clientSecretsUrl, createClientSecret } from '../src/index.js';

const KEY = 'sk-proj-SECRET-for-minting-42';

function recordingFetch() {
  const urls: string[] = [];
  const fetch = (async (url: string | URL | Request) => {
    urls.push(String(url));
    return new Response(JSON.stringify({ value: 'ek_abc', expires_at: 1_900_000_000 }), {
      status: 200,
    });
  }) as typeof globalThis.fetch;
  return { fetch, urls };
}

describe("createClientSecret keeps the gateway's query", () => {
  it('mints against …/client_secrets with the base URL’s query parameters', async () => {
    const { fetch, urls } = recordingFetch();
    await createClientSecret({
      apiKey: KEY,
      baseURL: 'https://gw.example/openai/v1?subscription-key=abc&foo=1',
      session: {},
      fetch,
      env: {},
    });
    expect(urls).toEqual([
      'https://gw.example/openai/v1/realtime/client_secrets?subscription-key=abc&foo=1',
    ]);
  });

  it('keeps a WebSocket base URL’s query too, without the realtime-only parameters', () => {
    expect(
      clientSecretsUrl(
        'wss://gw.example/v1/realtime?model=gpt-realtime&subscription-key=abc&intent=transcription&call_id=rtc_1&deployment=d&foo=1',
      ).toString(),
    ).toBe('https://gw.example/v1/realtime/client_secrets?subscription-key=abc&foo=1');
    // matched in any case, as the Azure URL builder does
    expect(clientSecretsUrl('https://gw.example/v1?Model=x&foo=1').toString()).toBe(
      'https://gw.example/v1/realtime/client_secrets?foo=1',
    );
  });

  it('sends the query as given, byte for byte (a gateway compares its key as sent)', () => {
    expect(
      clientSecretsUrl('https://gw.example/v1?subscription-key=a%2Bb%3D&x=1+2&flag').toString(),
    ).toBe('https://gw.example/v1/realtime/client_secrets?subscription-key=a%2Bb%3D&x=1+2&flag');
  });

  it('adds no `?` when nothing is left of the query, and drops the fragment', () => {
    expect(clientSecretsUrl('https://gw.example/v1?model=gpt-realtime#top').toString()).toBe(
      'https://gw.example/v1/realtime/client_secrets',
    );
    expect(clientSecretsUrl('https://gw.example/v1?').toString()).toBe(
      'https://gw.example/v1/realtime/client_secrets',
    );
  });
});
