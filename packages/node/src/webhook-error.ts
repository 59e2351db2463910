/**
 * The typed error of `verifyWebhook`.
 * @module
 */

/** Codes of {@link WebhookVerificationError}. */
export type WebhookVerificationErrorCode =
  /** `webhook-id`, `webhook-timestamp` or `webhook-signature` is absent or empty. */
  | 'MISSING_HEADER'
  /** `webhook-timestamp` is not a whole number of Unix seconds. */
  | 'INVALID_TIMESTAMP'
  /** The timestamp is further from now than `toleranceSeconds`, either way (a replay, or a skewed clock). */
  | 'TIMESTAMP_OUT_OF_TOLERANCE'
  /** No `v1` signature in `webhook-signature` matches the body: tampered, another secret, or a re-serialized body. */
  | 'INVALID_SIGNATURE'
  /** The secret is not `whsec_` followed by base64. */
  | 'INVALID_SECRET'
  /** The signature matched, but the body is not UTF-8 JSON of a webhook event. */
  | 'INVALID_PAYLOAD';

/**
 * A webhook delivery failed verification: answer it with a 4xx and do not act on it (a
 * `realtime.call.incoming` that is not from OpenAI must not be accepted). The message never
 * contains the secret.
 */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  /** Stable machine-readable code. */
  readonly code: WebhookVerificationErrorCode;

  constructor(code: WebhookVerificationErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}
