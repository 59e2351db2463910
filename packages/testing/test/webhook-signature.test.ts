/**
 * The fake's webhook signing (protocol's, Standard Webhooks on WebCrypto) against the
 * specification's published vector, and the fake's refusal of a malformed secret.
 */
import { describe, expect, it } from 'vitest';
import { FakeServerOptionsError } from '../src/index.js';
import { checkWebhookSecret, signWebhook } from '../src/server/calls/webhook-signature.js';

describe('signWebhook (Standard Webhooks on WebCrypto)', () => {
  it('matches the Standard Webhooks test vector', async () => {
    await expect(
      signWebhook({
        secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
        timestamp: 1614265330,
        body: '{"test": 2432232314}',
      }),
    ).resolves.toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('refuses a secret that is not whsec_<base64>', () => {
    for (const secret of ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_', 'whsec_not base64!', 7])
      expect(() => checkWebhookSecret(secret)).toThrow(FakeServerOptionsError);
    expect(() => checkWebhookSecret('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).not.toThrow();
  });
});
