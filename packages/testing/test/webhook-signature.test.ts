/**
 * The fake's webhook signing (Standard Webhooks, on WebCrypto) against the specification's
 * published vector, and its refusal of a malformed secret.
 */
import { describe, expect, it } from 'vitest';
import { FakeServerOptionsError } from '../src/index.js';
import { signWebhook } from '../src/server/calls/webhook-signature.js';

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

  it('refuses a secret that is not whsec_<base64>', async () => {
    for (const secret of ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_', 'whsec_not base64!'])
      await expect(signWebhook({ secret, id: 'm', timestamp: 1, body: '{}' })).rejects.toThrow(
        FakeServerOptionsError,
      );
  });
});
