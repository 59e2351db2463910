/**
 * The fake's webhook signing: protocol's `signWebhook` (Standard Webhooks, HMAC-SHA256 on
 * WebCrypto, the one node's `verifyWebhook` is tested against), and the fake's own check of the
 * secret it is given, made when the server is built.
 * @module
 */
import { decodeWebhookSecret, WEBHOOK_SECRET_PREFIX } from '@voxwire/protocol';
import { FakeServerOptionsError } from '../../errors.js';

export { signWebhook } from '@voxwire/protocol';

/**
 * Checks a `webhook.secret`: `whsec_` followed by base64, as the API's signing secrets are.
 * Checked when the server is built: a typo'd secret would otherwise sign with garbage, and every
 * delivery would fail verification in the app under test, far from its cause.
 * @throws FakeServerOptionsError for anything else.
 */
export function checkWebhookSecret(secret: unknown): void {
  if (
    typeof secret !== 'string' ||
    !secret.trim().startsWith(WEBHOOK_SECRET_PREFIX) ||
    decodeWebhookSecret(secret) === undefined
  )
    throw new FakeServerOptionsError(
      `webhook secret must be 'whsec_' followed by base64 (as the API's signing secrets are), got ${JSON.stringify(secret)}`,
    );
}
