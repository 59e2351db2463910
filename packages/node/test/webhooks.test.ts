/**
 * `verifyWebhook`: Standard Webhooks verification of OpenAI's webhooks.
 *
 * Known-answer vectors: (1) openai/openai-node's webhook tests
 * (`tests/api-resources/webhooks.test.ts`: the `response.completed` payload signed with
 * `whsec_RdvaYF…`); (2) the Standard Webhooks spec's example
 * (standard-webhooks/standard-webhooks `spec/standard-webhooks.md`, `msg_p5jXN8…`).
 */
import { signWebhook } from '@voxwire/protocol';
import { SimulatedClock } from '@voxwire/testing';
import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  isRealtimeCallIncoming,
  verifyWebhook,
  WebhookVerificationError,
} from '../src/index.js';

const OPENAI = {
  secret: 'whsec_RdvaYFYUXuIFuEbvZHwMfYFhUf7aMYjYcmM24+Aj40c=',
  id: 'wh_685c059ae39c8190af8c71ed1022a24d',
  timestamp: 1750861210,
  body: '{"id": "evt_685c059ae3a481909bdc86819b066fb6", "object": "event", "created_at": 1750861210, "type": "response.completed", "data": {"id": "resp_123"}}',
  signature: 'v1,gUAg4R2hWouRZqRQG4uJypNS8YK885G838+EHb4nKBY=',
};
const SPEC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

type Vector = typeof OPENAI;

/** A clock at `vector`'s timestamp plus `offsetSeconds`. */
const clockAt = (vector: Vector, offsetSeconds = 0) =>
  new SimulatedClock({ start: (vector.timestamp + offsetSeconds) * 1000 });

const headersOf = (vector: Vector, signature = vector.signature) => ({
  'webhook-id': vector.id,
  'webhook-timestamp': String(vector.timestamp),
  'webhook-signature': signature,
});

/** What verifyWebhook threw. */
function failure(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('verifyWebhook did not throw');
}

describe('verifyWebhook', () => {
  it("accepts openai-node's vector and returns the typed event", () => {
    const event = verifyWebhook(OPENAI.body, headersOf(OPENAI), {
      secret: OPENAI.secret,
      clock: clockAt(OPENAI),
    });
    expect(event).toMatchObject({ type: 'response.completed', data: { id: 'resp_123' } });
    expect(isRealtimeCallIncoming(event)).toBe(false);
  });

  it("the Standard Webhooks spec's vector passes the signature check (its body is no OpenAI event)", () => {
    const error = failure(() =>
      verifyWebhook(SPEC.body, headersOf(SPEC), { secret: SPEC.secret, clock: clockAt(SPEC) }),
    );
    // past the signature: only the event shape is refused
    expect(error).toMatchObject({ code: 'INVALID_PAYLOAD' });
  });

  it('takes the body as bytes (a Buffer) too, and headers as WHATWG Headers or in any case', () => {
    const clock = clockAt(OPENAI);
    const secret = OPENAI.secret;
    expect(verifyWebhook(Buffer.from(OPENAI.body), headersOf(OPENAI), { secret, clock }).id).toBe(
      'evt_685c059ae3a481909bdc86819b066fb6',
    );
    expect(verifyWebhook(OPENAI.body, new Headers(headersOf(OPENAI)), { secret, clock }).id).toBe(
      'evt_685c059ae3a481909bdc86819b066fb6',
    );
    const shouted = {
      'Webhook-Id': OPENAI.id,
      'WEBHOOK-TIMESTAMP': String(OPENAI.timestamp),
      'Webhook-Signature': [OPENAI.signature],
    };
    expect(verifyWebhook(OPENAI.body, shouted, { secret, clock }).type).toBe('response.completed');
  });

  it('reads the secret from OPENAI_WEBHOOK_SECRET, and needs one', () => {
    const clock = clockAt(OPENAI);
    const env = { OPENAI_WEBHOOK_SECRET: OPENAI.secret };
    expect(verifyWebhook(OPENAI.body, headersOf(OPENAI), { env, clock }).type).toBe(
      'response.completed',
    );
    const error = failure(() => verifyWebhook(OPENAI.body, headersOf(OPENAI), { env: {}, clock }));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: 'MISSING_CREDENTIALS' });
  });

  it('a body changed by one byte, or parsed and serialized again, is INVALID_SIGNATURE', () => {
    const options = { secret: OPENAI.secret, clock: clockAt(OPENAI) };
    for (const body of [
      OPENAI.body.replace('resp_123', 'resp_124'),
      JSON.stringify(JSON.parse(OPENAI.body)),
    ]) {
      const error = failure(() => verifyWebhook(body, headersOf(OPENAI), options));
      expect(error).toBeInstanceOf(WebhookVerificationError);
      expect(error).toMatchObject({ code: 'INVALID_SIGNATURE' });
    }
  });

  it('another secret is INVALID_SIGNATURE, and the message never holds either secret', () => {
    const error = failure(() =>
      verifyWebhook(OPENAI.body, headersOf(OPENAI), {
        secret: SPEC.secret,
        clock: clockAt(OPENAI),
      }),
    );
    expect(error).toMatchObject({ code: 'INVALID_SIGNATURE' });
    for (const secret of [OPENAI.secret, SPEC.secret])
      expect((error as Error).message).not.toContain(secret.slice(6, 20));
  });

  it('several signatures (a secret being rotated): one valid is enough; other versions are ignored', () => {
    const options = { secret: OPENAI.secret, clock: clockAt(OPENAI) };
    const header = `v1,${Buffer.alloc(32, 7).toString('base64')} v1a,${OPENAI.signature.slice(3)} ${OPENAI.signature}`;
    expect(verifyWebhook(OPENAI.body, headersOf(OPENAI, header), options).type).toBe(
      'response.completed',
    );
    // the right MAC under another version is not a v1 signature
    const otherVersion = failure(() =>
      verifyWebhook(OPENAI.body, headersOf(OPENAI, `v2,${OPENAI.signature.slice(3)}`), options),
    );
    expect(otherVersion).toMatchObject({ code: 'INVALID_SIGNATURE' });
  });

  it('a timestamp more than toleranceSeconds old or ahead is TIMESTAMP_OUT_OF_TOLERANCE', () => {
    const verify = (offset: number, toleranceSeconds?: number) =>
      verifyWebhook(OPENAI.body, headersOf(OPENAI), {
        secret: OPENAI.secret,
        clock: clockAt(OPENAI, offset),
        toleranceSeconds,
      });
    expect(verify(300).type).toBe('response.completed');
    expect(verify(-300).type).toBe('response.completed');
    expect(failure(() => verify(301))).toMatchObject({ code: 'TIMESTAMP_OUT_OF_TOLERANCE' });
    expect(failure(() => verify(-301))).toMatchObject({ code: 'TIMESTAMP_OUT_OF_TOLERANCE' });
    expect(verify(3_000, 3_600).type).toBe('response.completed');
    expect(failure(() => verify(61, 60))).toMatchObject({ code: 'TIMESTAMP_OUT_OF_TOLERANCE' });
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])(
    'without %s: MISSING_HEADER',
    (name) => {
      const headers: Record<string, string> = headersOf(OPENAI);
      delete headers[name];
      const error = failure(() =>
        verifyWebhook(OPENAI.body, headers, { secret: OPENAI.secret, clock: clockAt(OPENAI) }),
      );
      expect(error).toMatchObject({ code: 'MISSING_HEADER' });
      expect((error as Error).message).toContain(name);
    },
  );

  it('a timestamp that is not whole seconds is INVALID_TIMESTAMP', () => {
    for (const timestamp of ['1750861210.5', 'yesterday', '-1750861210'])
      expect(
        failure(() =>
          verifyWebhook(
            OPENAI.body,
            { ...headersOf(OPENAI), 'webhook-timestamp': timestamp },
            { secret: OPENAI.secret, clock: clockAt(OPENAI) },
          ),
        ),
      ).toMatchObject({ code: 'INVALID_TIMESTAMP' });
  });

  it('a secret that is not base64 is INVALID_SECRET, without quoting it', () => {
    const secret = 'whsec_this is not*base64';
    const error = failure(() =>
      verifyWebhook(OPENAI.body, headersOf(OPENAI), { secret, clock: clockAt(OPENAI) }),
    );
    expect(error).toMatchObject({ code: 'INVALID_SECRET' });
    expect((error as Error).message).not.toContain('not*base64');
  });

  it('a correctly signed body that is not JSON, or not an event, is INVALID_PAYLOAD', async () => {
    const clock = clockAt(OPENAI);
    for (const body of [
      'not json',
      '{"object":"event","id":"evt_1"}',
      new Uint8Array([0xff, 0x7b]),
    ]) {
      const signature = await signWebhook({ ...OPENAI, body });
      const error = failure(() =>
        verifyWebhook(body, headersOf(OPENAI, signature), { secret: OPENAI.secret, clock }),
      );
      expect(error).toMatchObject({ code: 'INVALID_PAYLOAD' });
    }
  });

  it("a realtime.call.incoming signed by protocol's signWebhook verifies and narrows", async () => {
    const body = JSON.stringify({
      object: 'event',
      id: 'evt_1',
      type: 'realtime.call.incoming',
      created_at: OPENAI.timestamp,
      data: { call_id: 'rtc_u1_9c65', sip_headers: [{ name: 'From', value: 'sip:+1@x' }] },
    });
    const signature = await signWebhook({ ...OPENAI, body });
    const event = verifyWebhook(body, headersOf(OPENAI, signature), {
      secret: OPENAI.secret,
      clock: clockAt(OPENAI),
    });
    expect(isRealtimeCallIncoming(event)).toBe(true);
    if (isRealtimeCallIncoming(event)) expect(event.data.call_id).toBe('rtc_u1_9c65');
  });

  it("a parsed body (an object) is refused as the caller's mistake, saying to pass the raw body", () => {
    const error = failure(() =>
      verifyWebhook(JSON.parse(OPENAI.body) as string, headersOf(OPENAI), {
        secret: OPENAI.secret,
        clock: clockAt(OPENAI),
      }),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('raw body');
  });
});
