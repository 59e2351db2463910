/**
 * Signing a webhook the way OpenAI does: Standard Webhooks (https://www.standardwebhooks.com/,
 * spec `spec/standard-webhooks.md`), HMAC-SHA256 over `${webhook-id}.${webhook-timestamp}.${body}`
 * keyed with the base64-decoded bytes of the `whsec_…` secret, sent as
 * `webhook-signature: v1,<base64 MAC>`. On WebCrypto (`globalThis.crypto.subtle`), so a fake
 * server or a test in a browser or in Node signs alike; `@voxwire/node`'s `verifyWebhook` checks
 * such signatures with the same secret rule ({@link decodeWebhookSecret}).
 * @module
 */
import { base64ToBytes, bytesToBase64 } from './audio.js';

/** The prefix of an OpenAI (Standard Webhooks) signing secret. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** Codes of {@link WebhookSigningError}. */
export type WebhookSigningErrorCode =
  /** The secret is not `whsec_` followed by non-empty base64. */
  | 'INVALID_SECRET'
  /** The timestamp is not a non-negative integer number of Unix seconds. */
  | 'INVALID_TIMESTAMP'
  /** The id is empty or holds whitespace or a control character (no header could carry it as signed). */
  | 'INVALID_ID'
  /** This runtime has no WebCrypto (`crypto.subtle`: a browser page served over plain http). */
  | 'NO_WEBCRYPTO';

/** {@link signWebhook} was given something it cannot sign. The message never holds the secret. */
export class WebhookSigningError extends Error {
  override readonly name = 'WebhookSigningError';
  /** Stable machine-readable code. */
  readonly code: WebhookSigningErrorCode;

  constructor(code: WebhookSigningErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * The part of WebCrypto's `SubtleCrypto` signing uses, declared here: the package builds without
 * the DOM library, where that type lives.
 */
interface HmacSubtle {
  importKey(
    format: 'raw',
    key: Uint8Array<ArrayBuffer>,
    algorithm: { name: 'HMAC'; hash: 'SHA-256' },
    extractable: false,
    usages: ['sign'],
  ): Promise<unknown>;
  sign(algorithm: 'HMAC', key: unknown, data: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer>;
}

// strict base64, padded or not: Buffer and the fallbacks skip stray characters, and a secret
// pasted with a typo must be refused, not turned into another key
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The HMAC key of a signing secret: the base64-decoded bytes after `whsec_` (a secret without
 * the prefix is read as the base64 itself, as the Standard Webhooks libraries do), surrounding
 * whitespace ignored; `undefined` when that is not base64 or decodes to nothing.
 */
export function decodeWebhookSecret(secret: string): Uint8Array | undefined {
  if (typeof secret !== 'string') return undefined;
  const trimmed = secret.trim();
  const b64 = trimmed.startsWith(WEBHOOK_SECRET_PREFIX)
    ? trimmed.slice(WEBHOOK_SECRET_PREFIX.length)
    : trimmed;
  const body = b64.replace(/=+$/, '');
  // a length of 4n+1 is no base64; padding only completes a 4-character group
  if (!BASE64.test(b64) || body.length % 4 === 1) return undefined;
  if (b64.length !== body.length && b64.length % 4 !== 0) return undefined;
  const padded = body + '='.repeat((4 - (body.length % 4)) % 4);
  const key = base64ToBytes(padded);
  return key.length === 0 ? undefined : key;
}

/** What {@link signWebhook} signs. */
export interface SignWebhookOptions {
  /** The signing secret, `whsec_<base64>`. */
  readonly secret: string;
  /** The delivery's id, sent as `webhook-id` (`wh_…`, `msg_…`). */
  readonly id: string;
  /** When it was sent, Unix seconds, sent as `webhook-timestamp`. */
  readonly timestamp: number;
  /** The body exactly as it is sent: a string (UTF-8) or its bytes. */
  readonly body: string | Uint8Array;
}

/**
 * The `webhook-signature` header value for a delivery: `v1,<base64 HMAC-SHA256>` of
 * `${id}.${timestamp}.${body}`. Async (WebCrypto).
 * @throws WebhookSigningError `INVALID_SECRET`, `INVALID_TIMESTAMP`, `INVALID_ID`, `NO_WEBCRYPTO`.
 */
export async function signWebhook(options: SignWebhookOptions): Promise<string> {
  const { id, timestamp, body } = options;
  const key = decodeWebhookSecret(options.secret);
  if (key === undefined)
    throw new WebhookSigningError(
      'INVALID_SECRET',
      'The webhook secret must be "whsec_" followed by base64 (as the dashboard shows it).',
    );
  if (!Number.isSafeInteger(timestamp) || timestamp < 0)
    throw new WebhookSigningError(
      'INVALID_TIMESTAMP',
      `The webhook timestamp must be a non-negative integer of Unix seconds, got ${String(timestamp)}.`,
    );
  // eslint-disable-next-line no-control-regex
  if (typeof id !== 'string' || id === '' || /[\s\u0000-\u001f\u007f]/.test(id))
    throw new WebhookSigningError(
      'INVALID_ID',
      `The webhook id must be a non-empty string without whitespace or control characters, got ${JSON.stringify(id)}.`,
    );
  const subtle = (globalThis as { crypto?: { subtle?: HmacSubtle } }).crypto?.subtle;
  if (subtle === undefined)
    throw new WebhookSigningError(
      'NO_WEBCRYPTO',
      'Signing a webhook needs WebCrypto (crypto.subtle), which this runtime does not offer.',
    );
  const encoder = new TextEncoder();
  const prefix = encoder.encode(`${id}.${timestamp}.`);
  const payload = typeof body === 'string' ? encoder.encode(body) : body;
  const content = new Uint8Array(prefix.length + payload.length);
  content.set(prefix);
  content.set(payload, prefix.length);
  const hmac = await subtle.importKey(
    'raw',
    // a copy on its own ArrayBuffer: WebCrypto's types refuse a view of a SharedArrayBuffer
    new Uint8Array(key),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = await subtle.sign('HMAC', hmac, content);
  return `v1,${bytesToBase64(new Uint8Array(mac))}`;
}
