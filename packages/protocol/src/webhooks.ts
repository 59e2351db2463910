/**
 * OpenAI's webhook events (https://platform.openai.com/docs/guides/webhooks): the envelope every
 * event shares, `realtime.call.incoming` (a phone call reached the project's SIP trunk; see
 * https://platform.openai.com/docs/guides/realtime-sip) typed in full, every other type
 * (`response.completed`, `batch.*`, `fine_tuning.job.*`, `eval.run.*`, and types yet to come)
 * loosely. Verifying the signature comes first (`@voxwire/node`'s `verifyWebhook`); this only
 * checks the shape.
 * @module
 */
import * as v from 'valibot';

/** The `type` of a call arriving on the SIP trunk. */
export const REALTIME_CALL_INCOMING = 'realtime.call.incoming';

/** One SIP header of the incoming INVITE (`From`, `To`, `Call-ID`, a trunk's `X-…`). */
export const SipHeaderSchema = v.looseObject({ name: v.string(), value: v.string() });
/** One SIP header of the incoming INVITE. */
export type SipHeader = v.InferOutput<typeof SipHeaderSchema>;

/** The envelope of every webhook event; unknown fields are kept. */
export const WebhookEventSchema = v.looseObject({
  object: v.literal('event'),
  /** `evt_…`: the event's id (the delivery's id is the `webhook-id` header). */
  id: v.string(),
  type: v.string(),
  /** Unix seconds. */
  created_at: v.number(),
  data: v.looseObject({}),
});

/** `realtime.call.incoming`: accept, reject or refer the call by `data.call_id`. */
export const RealtimeCallIncomingEventSchema = v.looseObject({
  ...WebhookEventSchema.entries,
  type: v.literal(REALTIME_CALL_INCOMING),
  data: v.looseObject({
    /** The id the call-control endpoints and the side-band WebSocket (`?call_id=`) take. */
    call_id: v.pipe(v.string(), v.minLength(1)),
    /** The INVITE's headers, in order. Absent is read as none. */
    sip_headers: v.optional(v.array(SipHeaderSchema), () => []),
  }),
});

/** A phone call reached the project's SIP trunk. */
export type RealtimeCallIncomingEvent = v.InferOutput<typeof RealtimeCallIncomingEventSchema>;

/**
 * Any other webhook event: the envelope, `data` untyped. Its `type` is a plain string, so a
 * comparison does not narrow the union: use {@link isRealtimeCallIncoming}.
 */
export type OtherWebhookEvent = v.InferOutput<typeof WebhookEventSchema>;

/** A verified webhook's event. */
export type WebhookEvent = RealtimeCallIncomingEvent | OtherWebhookEvent;

/** Whether an event is a `realtime.call.incoming` (a type guard: `data.call_id` is then typed). */
export function isRealtimeCallIncoming(event: WebhookEvent): event is RealtimeCallIncomingEvent {
  return event.type === REALTIME_CALL_INCOMING;
}

/** What {@link parseWebhookEvent} returns. */
export type WebhookEventParseResult =
  | { readonly success: true; readonly event: WebhookEvent }
  | { readonly success: false; readonly issue: string };

/**
 * Checks a parsed webhook body against the envelope, and a `realtime.call.incoming` against its
 * own shape (a call without a `call_id` cannot be answered, so it is refused here rather than
 * typed loosely). Never throws.
 */
export function parseWebhookEvent(value: unknown): WebhookEventParseResult {
  const type = (value as { type?: unknown } | null)?.type;
  const result =
    type === REALTIME_CALL_INCOMING
      ? v.safeParse(RealtimeCallIncomingEventSchema, value)
      : v.safeParse(WebhookEventSchema, value);
  if (result.success) return { success: true, event: result.output };
  const issue = result.issues[0];
  const path = v.getDotPath(issue);
  return { success: false, issue: `${path === null ? '' : `${path}: `}${issue.message}` };
}
