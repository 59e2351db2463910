/**
 * Webhook signing (Standard Webhooks, HMAC-SHA256 on WebCrypto) against published known-answer
 * vectors, the call-control helpers and the webhook event shapes.
 *
 * Vectors: (1) openai/openai-node's webhook tests (`tests/api-resources/webhooks.test.ts`, the
 * `response.completed` payload signed with `whsec_RdvaYF…`); (2) the Standard Webhooks spec's
 * example (standard-webhooks/standard-webhooks `spec/standard-webhooks.md`, `msg_p5jXN8…`).
 */
import { describe, expect, it } from 'vitest';
import {
  callIdOfLocation,
  decodeWebhookSecret,
  Endpoints,
  isRealtimeCallIncoming,
  parseWebhookEvent,
  signWebhook,
  WebhookSigningError,
} from '../src/index.js';

const OPENAI_VECTOR = {
  secret: 'whsec_RdvaYFYUXuIFuEbvZHwMfYFhUf7aMYjYcmM24+Aj40c=',
  id: 'wh_685c059ae39c8190af8c71ed1022a24d',
  timestamp: 1750861210,
  body: '{"id": "evt_685c059ae3a481909bdc86819b066fb6", "object": "event", "created_at": 1750861210, "type": "response.completed", "data": {"id": "resp_123"}}',
  signature: 'v1,gUAg4R2hWouRZqRQG4uJypNS8YK885G838+EHb4nKBY=',
};
const SPEC_VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('signWebhook', () => {
  it.each([
    ['openai-node', OPENAI_VECTOR],
    ['Standard Webhooks spec', SPEC_VECTOR],
  ])('gives the published signature of the %s vector', async (_name, vector) => {
    const { signature, ...input } = vector;
    expect(await signWebhook(input)).toBe(signature);
  });

  it('signs the bytes as given: a Uint8Array body signs as its string does', async () => {
    const { signature, body, ...input } = OPENAI_VECTOR;
    expect(await signWebhook({ ...input, body: new TextEncoder().encode(body) })).toBe(signature);
  });

  it('a changed body, id or timestamp changes the signature', async () => {
    const { signature, ...input } = SPEC_VECTOR;
    expect(await signWebhook({ ...input, body: '{"test": 2432232315}' })).not.toBe(signature);
    expect(await signWebhook({ ...input, id: 'msg_other' })).not.toBe(signature);
    expect(await signWebhook({ ...input, timestamp: input.timestamp + 1 })).not.toBe(signature);
  });

  it.each([
    ['not base64', 'whsec_not*base64', 'INVALID_SECRET'],
    ['an empty key', 'whsec_', 'INVALID_SECRET'],
    ['a 4n+1 length', 'whsec_abcde', 'INVALID_SECRET'],
  ])(
    'refuses a secret that is %s with a typed error that does not quote it',
    async (_n, secret, code) => {
      const error = await signWebhook({ ...SPEC_VECTOR, secret }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WebhookSigningError);
      expect(error).toMatchObject({ code });
      expect((error as Error).message).not.toContain(secret.slice(6) || 'whsec_x');
    },
  );

  it('refuses a timestamp that is no whole non-negative second count, and an empty id', async () => {
    for (const timestamp of [1.5, -1, Number.NaN, 1e300])
      await expect(signWebhook({ ...SPEC_VECTOR, timestamp })).rejects.toMatchObject({
        code: 'INVALID_TIMESTAMP',
      });
    for (const id of ['', 'a b', 'a\nb'])
      await expect(signWebhook({ ...SPEC_VECTOR, id })).rejects.toMatchObject({
        code: 'INVALID_ID',
      });
  });
});

describe('decodeWebhookSecret', () => {
  it('decodes after the prefix, padded or not, and without the prefix', () => {
    const bytes = decodeWebhookSecret(OPENAI_VECTOR.secret);
    expect(bytes?.length).toBe(32);
    expect(decodeWebhookSecret(OPENAI_VECTOR.secret.replace(/=$/, ''))).toEqual(bytes);
    expect(decodeWebhookSecret(OPENAI_VECTOR.secret.slice(6))).toEqual(bytes);
    expect(decodeWebhookSecret(` ${OPENAI_VECTOR.secret}\n`)).toEqual(bytes);
    expect(decodeWebhookSecret('whsec_ab=c')).toBeUndefined();
    expect(decodeWebhookSecret('whsec_abc==')).toBeUndefined();
  });
});

describe('call helpers', () => {
  it('Endpoints.callsPath is the calls endpoint below the base URL', () => {
    expect(Endpoints.callsPath).toBe('/realtime/calls');
  });

  it('callIdOfLocation reads the last path segment of an absolute or relative Location', () => {
    expect(callIdOfLocation('/v1/realtime/calls/rtc_abc')).toBe('rtc_abc');
    expect(callIdOfLocation('https://api.openai.com/v1/realtime/calls/rtc_abc/?x=1#f')).toBe(
      'rtc_abc',
    );
    expect(callIdOfLocation('rtc_%24x')).toBe('rtc_$x');
    expect(callIdOfLocation('rtc_%zz')).toBe('rtc_%zz');
    expect(callIdOfLocation('/')).toBeUndefined();
    expect(callIdOfLocation(null)).toBeUndefined();
    expect(callIdOfLocation(undefined)).toBeUndefined();
  });
});

describe('parseWebhookEvent', () => {
  const incoming = {
    object: 'event',
    id: 'evt_685343a1381c819085d44c354e1b330e',
    type: 'realtime.call.incoming',
    created_at: 1750287018,
    data: {
      call_id: 'some_unique_id',
      sip_headers: [{ name: 'From', value: 'sip:+142555512112@sip.example.com' }],
    },
  };

  it('types realtime.call.incoming (the SIP guide example) and narrows it with the guard', () => {
    const result = parseWebhookEvent(incoming);
    expect(result.success).toBe(true);
    if (!result.success) return;
    expect(isRealtimeCallIncoming(result.event)).toBe(true);
    if (isRealtimeCallIncoming(result.event)) {
      const callId: string = result.event.data.call_id;
      expect(callId).toBe('some_unique_id');
      expect(result.event.data.sip_headers[0]).toEqual(incoming.data.sip_headers[0]);
    }
  });

  it('reads absent sip_headers as none, and keeps unknown fields', () => {
    const result = parseWebhookEvent({ ...incoming, extra: 1, data: { call_id: 'c' } });
    expect(result).toMatchObject({ success: true, event: { extra: 1, data: { sip_headers: [] } } });
  });

  it('types other events loosely, whatever their type', () => {
    const result = parseWebhookEvent(JSON.parse(OPENAI_VECTOR.body));
    expect(result).toMatchObject({ success: true, event: { type: 'response.completed' } });
    if (result.success) expect(isRealtimeCallIncoming(result.event)).toBe(false);
    expect(parseWebhookEvent({ ...incoming, type: 'batch.future_kind', data: {} }).success).toBe(
      true,
    );
  });

  it('refuses an incoming call without a call_id, and what is no event envelope, saying where', () => {
    expect(parseWebhookEvent({ ...incoming, data: { sip_headers: [] } })).toMatchObject({
      success: false,
      issue: expect.stringContaining('data.call_id'),
    });
    expect(parseWebhookEvent({ ...incoming, created_at: 'now' })).toMatchObject({
      success: false,
      issue: expect.stringContaining('created_at'),
    });
    expect(parseWebhookEvent(null).success).toBe(false);
    expect(parseWebhookEvent([1]).success).toBe(false);
  });
});
