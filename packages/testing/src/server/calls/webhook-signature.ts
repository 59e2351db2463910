/**
 * Standard Webhooks signing for the fake's `realtime.call.incoming` deliveries: HMAC-SHA256
 * over `${id}.${timestamp}.${body}`, keyed by the base64-decoded bytes after `whsec_`, sent as
 * `webhook-signature: v1,<base64>`. On WebCrypto (`globalThis.crypto.subtle`: Node 20+,
 * browsers, workers). Kept in this one file so it can give way to `@voxwire/protocol`'s
 * `signWebhook` once that lands (same arguments, same result).
 * @module
 */
import { base64ToBytes, bytesToBase64 } from '@voxwire/protocol';
import { FakeServerOptionsError } from '../../errors.js';

// the two SubtleCrypto calls used, typed here so the declaration build needs no DOM library
interface SubtleLike {
  importKey(
    format: 'raw',
    key: Uint8Array,
    algorithm: { name: 'HMAC'; hash: 'SHA-256' },
    extractable: false,
    usages: readonly ['sign'],
  ): Promise<unknown>;
  sign(algorithm: 'HMAC', key: unknown, data: Uint8Array): Promise<ArrayBuffer>;
}

/** What {@link signWebhook} signs. */
export interface WebhookSignInput {
  /** The signing secret, `whsec_<base64>`. */
  readonly secret: string;
  /** The delivery's id (`webhook-id`; the event's `evt_…` id). */
  readonly id: string;
  /** The delivery time, epoch seconds (`webhook-timestamp`). */
  readonly timestamp: number;
  /** The exact body sent. */
  readonly body: string;
}

/**
 * The key bytes of a `whsec_…` secret.
 * @throws FakeServerOptionsError when it is not `whsec_` followed by non-empty base64
 */
export function webhookSecretBytes(secret: string): Uint8Array {
  const encoded = typeof secret === 'string' ? secret.replace(/^whsec_/, '') : '';
  // checked here: a typo'd secret would otherwise sign with garbage and every delivery fail
  // verification in the app under test, far from its cause
  if (
    typeof secret !== 'string' ||
    !secret.startsWith('whsec_') ||
    encoded === '' ||
    !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)
  )
    throw new FakeServerOptionsError(
      `webhook secret must be 'whsec_' followed by base64 (as the API's signing secrets are), got ${JSON.stringify(secret)}`,
    );
  return base64ToBytes(encoded);
}

/**
 * The `webhook-signature` header value of a delivery: `v1,<base64 HMAC-SHA256>`.
 * @throws FakeServerOptionsError (as a rejection) on a malformed secret, or where
 * `globalThis.crypto.subtle` is missing
 */
export async function signWebhook(input: WebhookSignInput): Promise<string> {
  const key = webhookSecretBytes(input.secret);
  const subtle = (globalThis as unknown as { crypto?: { subtle?: SubtleLike } }).crypto?.subtle;
  if (!subtle)
    throw new FakeServerOptionsError(
      'signing a webhook needs WebCrypto (globalThis.crypto.subtle: Node 20+ or a browser)',
    );
  const hmacKey = await subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const data = new TextEncoder().encode(`${input.id}.${input.timestamp}.${input.body}`);
  const mac = await subtle.sign('HMAC', hmacKey, data);
  return `v1,${bytesToBase64(new Uint8Array(mac))}`;
}
