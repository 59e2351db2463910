import { describe, expect, it } from 'vitest';
import {
  assertSecureUrl,
  describeUrl,
  errorForClose,
  errorForHttpStatus,
  isLoopbackHost,
  openaiRealtimeUrl,
  parseRetryAfter,
  Redactor,
  secretsOf,
} from '../src/index.js';

describe('openaiRealtimeUrl (seed scheme rewrite + LiveKit process_base_url)', () => {
  it.each([
    [undefined, 'wss://api.openai.com/v1/realtime?model=gpt-realtime'],
    ['https://api.openai.com/v1', 'wss://api.openai.com/v1/realtime?model=gpt-realtime'],
    ['https://api.openai.com/v1/', 'wss://api.openai.com/v1/realtime?model=gpt-realtime'],
    ['https://proxy.example.com', 'wss://proxy.example.com/realtime?model=gpt-realtime'],
    [
      'https://res.openai.azure.com/openai',
      'wss://res.openai.azure.com/openai/realtime?model=gpt-realtime',
    ],
    [
      'https://res.openai.azure.com/openai/v1',
      'wss://res.openai.azure.com/openai/v1/realtime?model=gpt-realtime',
    ],
    ['http://127.0.0.1:8080/v1', 'ws://127.0.0.1:8080/v1/realtime?model=gpt-realtime'],
    ['wss://gw.example.com/custom/socket', 'wss://gw.example.com/custom/socket?model=gpt-realtime'],
    ['wss://gw.example.com/v1/realtime?model=mine', 'wss://gw.example.com/v1/realtime?model=mine'],
  ])('%s → %s', (baseURL, expected) => {
    expect(openaiRealtimeUrl({ baseURL, model: 'gpt-realtime' }).toString()).toBe(expected);
  });

  it('adds intent and call_id', () => {
    expect(openaiRealtimeUrl({ intent: 'transcription' }).toString()).toBe(
      'wss://api.openai.com/v1/realtime?intent=transcription',
    );
    expect(openaiRealtimeUrl({ model: 'm', callId: 'rtc_1' }).searchParams.get('call_id')).toBe(
      'rtc_1',
    );
  });

  it('refuses other schemes and URLs with credentials', () => {
    expect(() => openaiRealtimeUrl({ baseURL: 'ftp://x' })).toThrow(
      expect.objectContaining({ code: 'INVALID_URL' }),
    );
    expect(() => openaiRealtimeUrl({ baseURL: 'https://user:pw@x.com/v1' })).toThrow(
      expect.objectContaining({ code: 'INVALID_URL' }),
    );
  });
});

describe('loopback and secure URLs', () => {
  it.each([
    'localhost',
    'LOCALHOST',
    'app.localhost',
    '127.0.0.1',
    '127.9.8.7',
    '[::1]',
    '::1',
    '::ffff:127.0.0.1',
  ])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });
  it.each(['10.0.0.1', '128.0.0.1', 'example.com', 'localhost.example.com', '0.0.0.0', '[::2]'])(
    '%s is not loopback',
    (host) => {
      expect(isLoopbackHost(host)).toBe(false);
    },
  );
  it('refuses ws: to a remote host and accepts it on loopback', () => {
    expect(() => assertSecureUrl(new URL('ws://example.com/v1/realtime'))).toThrow(
      expect.objectContaining({ code: 'INSECURE_URL' }),
    );
    expect(() => assertSecureUrl(new URL('ws://[::1]:9/v1/realtime'))).not.toThrow();
    expect(() => assertSecureUrl(new URL('wss://example.com/v1/realtime'))).not.toThrow();
  });
  it('lets ws: to a private host through only when asked to, and only with a boolean', () => {
    const url = new URL('ws://fake-server:8080/v1/realtime');
    expect(() => assertSecureUrl(url, false)).toThrow(
      expect.objectContaining({
        code: 'INSECURE_URL',
        message: expect.stringContaining('allowInsecureUrl: true'),
      }),
    );
    expect(() => assertSecureUrl(url, true)).not.toThrow();
    expect(() => assertSecureUrl(url, 'yes' as unknown as boolean)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });
  it('masks credential-like query values in descriptions', () => {
    expect(describeUrl(new URL('wss://x/r?api-key=abc&model=m'))).toBe(
      'wss://x/r?api-key=%5BREDACTED%5D&model=m',
    );
  });
  it.each([
    'subscription-key',
    'Subscription-Key',
    'key',
    'code',
    'sig',
    'password',
    'pwd',
    'client_secret',
    'access_token',
    'credential',
  ])('masks a %s= query value in descriptions', (name) => {
    const text = describeUrl(
      new URL(`wss://gw.example/openai/v1/realtime?${name}=V4LUE-0123&model=m`),
    );
    expect(text).not.toContain('V4LUE-0123');
    expect(text).toContain('model=m');
  });
});

describe('close-code and HTTP-status mapping', () => {
  it('a locally initiated close is no error, whatever its code', () => {
    expect(errorForClose(1000, '', true)).toBeUndefined();
    expect(errorForClose(1006, '', true)).toBeUndefined();
  });
  it('a server-initiated normal close is still reported', () => {
    expect(errorForClose(1000, 'bye', false)).toMatchObject({
      code: 'SOCKET_CLOSED',
      retriable: true,
      closeReason: 'bye',
    });
  });
  it.each([
    [400, 'BAD_REQUEST', true],
    [401, 'AUTH_FAILED', true],
    [408, 'CONNECT_FAILED', false],
    [500, 'CONNECT_FAILED', false],
    [301, 'BAD_REQUEST', true],
  ] as const)('HTTP %i → %s', (status, code, fatal) => {
    expect(errorForHttpStatus(status, '')).toMatchObject({ code, fatal, httpStatus: status });
  });
  it('parses Retry-After in seconds and as a date', () => {
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 4000)).toBe(6000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
  });
});

describe('secret redaction', () => {
  it('finds secrets in credential headers, bearer values and key subprotocols', () => {
    const secrets = secretsOf(
      { Authorization: 'Bearer tok-123456', 'API-KEY': 'az-key-1', 'X-Other': 'visible' },
      ['realtime', 'openai-insecure-api-key.sk-xyz1'],
    );
    expect(secrets).toEqual(
      expect.arrayContaining(['Bearer tok-123456', 'tok-123456', 'az-key-1', 'sk-xyz1']),
    );
    expect(secrets).not.toContain('visible');
  });
  it("finds a gateway's secrets by header name (APIM's subscription key, x-…-token)", () => {
    const secrets = secretsOf({
      'Ocp-Apim-Subscription-Key': 'apim-sub-0123',
      'X-Gateway-Token': 'gw-token-4567',
      'x-functions-key': 'fn-key-89ab',
      'X-Request-Id': 'req-visible',
    });
    expect(secrets).toEqual(['apim-sub-0123', 'gw-token-4567', 'fn-key-89ab']);
  });
  it('replaces every occurrence and ignores trivially short secrets', () => {
    const r = new Redactor().add('sk-abcdef', 'ab', undefined);
    expect(r.redact('a sk-abcdef b sk-abcdef ab')).toBe('a [REDACTED] b [REDACTED] ab');
  });
});
