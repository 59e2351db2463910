/**
 * Verifying OpenAI's webhooks (https://platform.openai.com/docs/guides/webhooks), the
 * `realtime.call.incoming` of a phone call above all: Standard Webhooks
 * (https://www.standardwebhooks.com/). The `webhook-signature` header holds space-separated
 * `v1,<base64 HMAC-SHA256>` signatures of `${webhook-id}.${webhook-timestamp}.${raw body}`, keyed
 * with the base64-decoded bytes of the `whsec_…` secret (protocol's `decodeWebhookSecret`, the
 * rule protocol's `signWebhook` signs with). Synchronous on `node:crypto`, with `timingSafeEqual`.
 * @module
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  type Clock,
  decodeWebhookSecret,
  parseWebhookEvent,
  systemClock,
  type WebhookEvent,
} from '@voxwire/protocol';
import { envValue, type Env, processEnv } from './credentials.js';
import { ConfigurationError } from './errors.js';
import { WebhookVerificationError } from './webhook-error.js';

/**
 * A request's headers: a WHATWG `Headers` (fetch, Hono, Next.js), Node's `IncomingHttpHeaders`
 * (`req.headers`: lowercase names, `string | string[]`), or a plain record in any case.
 */
export type WebhookHeaders =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Options of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /**
   * The endpoint's signing secret, `whsec_…` (the dashboard's Webhooks page).
   * @default process.env.OPENAI_WEBHOOK_SECRET
   */
  readonly secret?: string | undefined;
  /**
   * How far `webhook-timestamp` may be from now, either way, in seconds: an older delivery may
   * be a replay of a captured one.
   * @default 300
   */
  readonly toleranceSeconds?: number | undefined;
  /**
   * The clock "now" is read from (tests pass a simulated one; its epoch must be Unix's).
   * @default systemClock
   */
  readonly clock?: Clock | undefined;
  /**
   * Environment to read instead of `process.env`.
   * @default process.env
   */
  readonly env?: Env | undefined;
}

/** {@link VerifyWebhookOptions.toleranceSeconds}'s default (Standard Webhooks'). */
const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * Verifies a webhook delivery and returns its event, typed (`isRealtimeCallIncoming(event)`
 * narrows to the incoming call).
 *
 * `body` must be the raw bytes received (`express.raw({ type: 'application/json' })`, the
 * chunks of Node's `req`, `await request.text()`): JSON parsed and serialized again differs in
 * spacing and key order, and its signature no longer matches.
 *
 * @throws ConfigurationError `MISSING_CREDENTIALS` without a secret; `INVALID_OPTION` for a
 *   `body` that is neither a string nor bytes, or a bad `toleranceSeconds`.
 * @throws WebhookVerificationError `INVALID_SECRET`, `MISSING_HEADER`, `INVALID_TIMESTAMP`,
 *   `TIMESTAMP_OUT_OF_TOLERANCE`, `INVALID_SIGNATURE`, `INVALID_PAYLOAD`.
 */
export function verifyWebhook(
  body: string | Uint8Array,
  headers: WebhookHeaders,
  options: VerifyWebhookOptions = {},
): WebhookEvent {
  const secret = options.secret ?? envValue(options.env ?? processEnv(), 'OPENAI_WEBHOOK_SECRET');
  if (secret === undefined || secret.trim() === '')
    throw new ConfigurationError(
      'MISSING_CREDENTIALS',
      'The webhook signing secret is required: pass `secret` or set OPENAI_WEBHOOK_SECRET.',
    );
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (typeof tolerance !== 'number' || !(tolerance >= 0))
    throw new ConfigurationError(
      'INVALID_OPTION',
      `toleranceSeconds must be a non-negative number of seconds, got ${String(tolerance)}.`,
    );
  if (typeof body !== 'string' && !(body instanceof Uint8Array))
    throw new ConfigurationError(
      'INVALID_OPTION',
      `The webhook body must be the raw body received, a string or bytes (a Buffer), got ${body === null ? 'null' : typeof body}: a parsed and re-serialized body does not match its signature.`,
    );
  const key = decodeWebhookSecret(secret);
  if (key === undefined)
    throw new WebhookVerificationError(
      'INVALID_SECRET',
      'The webhook secret must be "whsec_" followed by base64, as the dashboard shows it.',
    );

  const id = headerOf(headers, 'webhook-id');
  const timestamp = headerOf(headers, 'webhook-timestamp');
  const signatures = headerOf(headers, 'webhook-signature');

  if (!/^\d{1,15}$/.test(timestamp))
    throw new WebhookVerificationError(
      'INVALID_TIMESTAMP',
      `webhook-timestamp must be whole Unix seconds, got ${JSON.stringify(timestamp.slice(0, 40))}.`,
    );
  const now = Math.floor((options.clock ?? systemClock).now() / 1000);
  const skew = now - Number(timestamp);
  if (Math.abs(skew) > tolerance)
    throw new WebhookVerificationError(
      'TIMESTAMP_OUT_OF_TOLERANCE',
      `The webhook was signed ${Math.abs(skew)} s ${skew > 0 ? 'ago' : 'in the future'}, more than the ${tolerance} s allowed: a replayed delivery, or a clock out of sync.`,
    );

  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(bytes).digest();
  if (!matches(signatures, expected))
    throw new WebhookVerificationError(
      'INVALID_SIGNATURE',
      'No v1 signature of the webhook matches its body: it was changed, signed with another secret, or the body passed is not the raw body received.',
    );

  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new WebhookVerificationError('INVALID_PAYLOAD', 'The webhook body is not UTF-8 JSON.', {
      cause,
    });
  }
  const parsed = parseWebhookEvent(json);
  if (!parsed.success)
    throw new WebhookVerificationError(
      'INVALID_PAYLOAD',
      `The webhook body is not a webhook event: ${parsed.issue}`,
    );
  return parsed.event;
}

/**
 * Whether any `v1,<base64>` entry of the header is `expected`, each compared in constant time
 * (a comparison that stops at the first wrong byte tells an attacker how much they got right).
 * Other versions (`v1a,…`, asymmetric signatures) are skipped, as Standard Webhooks says.
 */
function matches(header: string, expected: Buffer): boolean {
  let found = false;
  for (const entry of header.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    const b64 = entry.slice(comma + 1);
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) continue;
    const given = Buffer.from(b64, 'base64');
    // every entry is compared, none cut short: the time taken says nothing about which matched
    if (given.length === expected.length && timingSafeEqual(given, expected)) found = true;
  }
  return found;
}

/**
 * A header's value, whichever form the headers take; repeated values joined with `, ` (as Node
 * joins them) except the signature, whose list is space-separated.
 * @throws WebhookVerificationError `MISSING_HEADER` when absent or blank.
 */
function headerOf(headers: WebhookHeaders, name: string): string {
  let value: string | readonly string[] | null | undefined;
  if (typeof (headers as { get?: unknown }).get === 'function')
    value = (headers as { get(name: string): string | null }).get(name);
  else {
    const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
    value = record[name];
    if (value === undefined)
      for (const key of Object.keys(record))
        if (key.toLowerCase() === name) {
          value = record[key];
          break;
        }
  }
  const text =
    typeof value === 'string'
      ? value
      : Array.isArray(value)
        ? value.join(name === 'webhook-signature' ? ' ' : ', ')
        : '';
  if (text.trim() === '')
    throw new WebhookVerificationError('MISSING_HEADER', `The webhook has no ${name} header.`);
  return text.trim();
}
