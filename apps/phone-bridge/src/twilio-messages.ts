/**
 * Twilio Media Streams WebSocket messages: schemas of what Twilio sends, builders of what the
 * bridge sends back. Field names follow Twilio's "Media Streams - WebSocket Messages" page
 * (https://www.twilio.com/docs/voice/media-streams/websocket-messages): from Twilio `connected`,
 * `start` (`start.streamSid`, `callSid`, `mediaFormat`, `customParameters`), `media`
 * (`media.payload` base64 µ-law 8 kHz mono, `media.track`, `media.timestamp`), `mark`
 * (`mark.name`, echoed once the audio sent before it has played, or dropped by a `clear`),
 * `dtmf` (`dtmf.digit`) and `stop`; to Twilio `media`, `mark` and `clear`, each with `streamSid`.
 *
 * The schemas are loose (Twilio adds fields such as `sequenceNumber` over time; extra fields are
 * kept, never refused), and strict only where the bridge depends on a field.
 * @module
 */
import * as v from 'valibot';

/** `connected`: the first message, naming the protocol. */
const ConnectedSchema = v.looseObject({
  event: v.literal('connected'),
  protocol: v.optional(v.string()),
  version: v.optional(v.string()),
});

/** `start`: the stream's metadata; the bridge needs `streamSid` to address everything it sends. */
const StartSchema = v.looseObject({
  event: v.literal('start'),
  streamSid: v.optional(v.string()),
  start: v.looseObject({
    streamSid: v.pipe(v.string(), v.minLength(1)),
    callSid: v.optional(v.string()),
    accountSid: v.optional(v.string()),
    tracks: v.optional(v.array(v.string())),
    mediaFormat: v.optional(
      v.looseObject({
        encoding: v.string(),
        sampleRate: v.number(),
        channels: v.number(),
      }),
    ),
    customParameters: v.optional(v.record(v.string(), v.string())),
  }),
});

// standard base64 in whole 4-character blocks (the empty payload included)
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** `media`: 20 ms (usually) of the caller's audio. */
const MediaSchema = v.looseObject({
  event: v.literal('media'),
  streamSid: v.optional(v.string()),
  media: v.looseObject({
    // base64 (standard alphabet, padded, as Twilio sends it): any other text would be decoded
    // leniently into noise and appended as the caller's voice
    payload: v.pipe(v.string(), v.regex(BASE64, 'the payload is not base64')),
    track: v.optional(v.string()),
    chunk: v.optional(v.string()),
    timestamp: v.optional(v.string()),
  }),
});

/** `mark`: the echo of a mark the bridge sent. */
const MarkSchema = v.looseObject({
  event: v.literal('mark'),
  streamSid: v.optional(v.string()),
  mark: v.looseObject({ name: v.string() }),
});

/** `dtmf`: a key the caller pressed. */
const DtmfSchema = v.looseObject({
  event: v.literal('dtmf'),
  streamSid: v.optional(v.string()),
  dtmf: v.looseObject({ digit: v.string(), track: v.optional(v.string()) }),
});

/** `stop`: the stream ended (the call hung up, or the TwiML moved on). */
const StopSchema = v.looseObject({
  event: v.literal('stop'),
  streamSid: v.optional(v.string()),
  stop: v.optional(v.looseObject({ callSid: v.optional(v.string()) })),
});

/** Any message Twilio sends, told apart by `event`. */
export const TwilioInboundSchema = v.variant('event', [
  ConnectedSchema,
  StartSchema,
  MediaSchema,
  MarkSchema,
  DtmfSchema,
  StopSchema,
]);

/** A message from Twilio, validated. */
export type TwilioInbound = v.InferOutput<typeof TwilioInboundSchema>;

/** Why a frame from Twilio was skipped. */
export type TwilioMessageProblem =
  /** Not JSON at all (or a binary frame). */
  | 'not_json'
  /** JSON, but no known `event` (Twilio may add events: skipped, not fatal). */
  | 'unknown_event'
  /** A known `event` whose fields do not match the schema. */
  | 'malformed';

/** The outcome of {@link parseTwilioMessage}: a message, or why it was skipped. */
export type ParsedTwilioMessage =
  | { readonly ok: true; readonly message: TwilioInbound }
  | {
      readonly ok: false;
      readonly problem: TwilioMessageProblem;
      /** What was wrong, for the log (never the payload: it is the caller's voice). */
      readonly detail: string;
      /** The `event` field, when there was one. */
      readonly event: string | undefined;
    };

const KNOWN_EVENTS = new Set(['connected', 'start', 'media', 'mark', 'dtmf', 'stop']);

/**
 * Parses one text frame from Twilio. Never throws: a frame that is not a message the bridge
 * knows is reported as a problem, for the bridge to log and skip (a bad frame must not end the
 * call).
 */
export function parseTwilioMessage(text: string): ParsedTwilioMessage {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      problem: 'not_json',
      detail: error instanceof Error ? error.message : String(error),
      event: undefined,
    };
  }
  const event =
    typeof json === 'object' &&
    json !== null &&
    typeof (json as { event?: unknown }).event === 'string'
      ? (json as { event: string }).event
      : undefined;
  if (event === undefined || !KNOWN_EVENTS.has(event))
    return {
      ok: false,
      problem: 'unknown_event',
      detail: event === undefined ? 'no "event" field' : `unknown event "${event}"`,
      event,
    };
  const result = v.safeParse(TwilioInboundSchema, json);
  if (!result.success)
    return {
      ok: false,
      problem: 'malformed',
      detail: v.summarize(result.issues),
      event,
    };
  return { ok: true, message: result.output };
}

/** `media` to Twilio: base64 µ-law 8 kHz mono, played after what was sent before it. */
export interface TwilioMediaOut {
  readonly event: 'media';
  readonly streamSid: string;
  readonly media: { readonly payload: string };
}

/** `mark` to Twilio: echoed back once the audio sent before it has played (or was cleared). */
export interface TwilioMarkOut {
  readonly event: 'mark';
  readonly streamSid: string;
  readonly mark: { readonly name: string };
}

/** `clear` to Twilio: drops the audio Twilio holds and has not played yet. */
export interface TwilioClearOut {
  readonly event: 'clear';
  readonly streamSid: string;
}

/** Any message the bridge sends to Twilio. */
export type TwilioOutbound = TwilioMediaOut | TwilioMarkOut | TwilioClearOut;

/** A `media` message carrying `payload` (base64 µ-law). */
export function mediaMessage(streamSid: string, payload: string): TwilioMediaOut {
  return { event: 'media', streamSid, media: { payload } };
}

/** A `mark` message named `name`. */
export function markMessage(streamSid: string, name: string): TwilioMarkOut {
  return { event: 'mark', streamSid, mark: { name } };
}

/** A `clear` message. */
export function clearMessage(streamSid: string): TwilioClearOut {
  return { event: 'clear', streamSid };
}
