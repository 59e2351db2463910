/**
 * The `realtime.call.incoming` webhook of a SIP call: the event, the signed request (Standard
 * Webhooks headers), and its delivery to the app's URL.
 * @module
 */
import type { FetchLike } from '@voxwire/protocol';
import { FakeServerOptionsError } from '../../errors.js';
import type { JsonObject } from '../wire.js';
import type { WebhookDelivery, WebhookRequest } from './call-record.js';
import { checkWebhookSecret, signWebhook } from './webhook-signature.js';

/** The `webhook` option: where the fake POSTs each SIP call's `realtime.call.incoming`. */
export interface WebhookOptions {
  /** The app's webhook URL. */
  readonly url: string;
  /** The signing secret, `whsec_<base64>` (as the API's dashboard shows it). */
  readonly secret: string;
  /**
   * What POSTs it.
   * @default globalThis.fetch
   */
  readonly fetch?: FetchLike | undefined;
}

/**
 * Checks the `webhook` option, so a typo fails at construction rather than as a delivery the
 * app cannot verify.
 * @throws FakeServerOptionsError on a missing or unparsable URL, or a secret not `whsec_<base64>`
 */
export function checkWebhookOptions(webhook: WebhookOptions | undefined): void {
  if (webhook === undefined) return;
  let ok = typeof webhook.url === 'string';
  try {
    if (ok) new URL(webhook.url);
  } catch {
    ok = false;
  }
  if (!ok)
    throw new FakeServerOptionsError(
      `webhook.url must be an absolute URL, got ${JSON.stringify(webhook.url)}`,
    );
  checkWebhookSecret(webhook.secret);
  if (webhook.fetch !== undefined && typeof webhook.fetch !== 'function')
    throw new FakeServerOptionsError('webhook.fetch must be a fetch function');
}

/** The webhook event of an incoming SIP call. */
export function incomingCallEvent(
  id: string,
  createdAt: number,
  callId: string,
  sipHeaders: readonly { name: string; value: string }[],
): JsonObject {
  return {
    object: 'event',
    id,
    type: 'realtime.call.incoming',
    created_at: createdAt,
    data: { call_id: callId, sip_headers: sipHeaders.map((h) => ({ ...h })) },
  };
}

/** The signed request for `event`, sent at `timestamp` (epoch seconds). */
export async function webhookRequest(
  event: JsonObject,
  secret: string | undefined,
  url: string | undefined,
  timestamp: number,
): Promise<WebhookRequest> {
  if (secret === undefined)
    throw new FakeServerOptionsError(
      'webhookRequest: give a secret (the server has no `webhook` option to take it from)',
    );
  const body = JSON.stringify(event);
  const id = String(event['id']);
  const signature = await signWebhook({ secret, id, timestamp, body });
  return {
    url,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signature,
    },
    body,
  };
}

/**
 * POSTs a signed request; settles with what became of it (never rejects). A failure's `error`
 * is the fetch error's message with its cause's (`fetch failed (connect ECONNREFUSED …)`).
 */
export async function deliverWebhook(
  request: Promise<WebhookRequest>,
  fetch: FetchLike | undefined,
): Promise<WebhookDelivery> {
  try {
    const req = await request;
    const post = fetch ?? (globalThis as { fetch?: FetchLike }).fetch;
    if (!post) return { state: 'failed', error: 'no fetch: give webhook.fetch' };
    const res = await post(req.url ?? '', {
      method: req.method,
      headers: { ...req.headers },
      body: req.body,
    });
    // read (and drop) the body, so a keep-alive connection is freed
    await res.text().catch(() => undefined);
    return { state: 'delivered', status: res.status };
  } catch (error) {
    return { state: 'failed', error: webhookFailureText(error) };
  }
}

/**
 * Why a webhook POST failed, in one line: the error's message, with its cause's. Node's fetch
 * rejects with a bare `fetch failed` whose `cause` says what failed (`connect ECONNREFUSED
 * 127.0.0.1:3000`): without it, a failure could not tell a down app from a bad URL.
 */
export function webhookFailureText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  if (!(cause instanceof Error)) return error.message;
  // an AggregateError (every address of `localhost` refused) has no message of its own
  const reason = cause.message || String((cause as { code?: unknown }).code ?? '');
  return reason === '' || error.message.includes(reason)
    ? error.message
    : `${error.message} (${reason})`;
}
