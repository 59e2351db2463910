/**
 * The messages of a Twilio Media Streams WebSocket, typed for {@link FakeTwilioCall}: what
 * "Twilio" sends to a bridge (`connected`, `start`, `media`, `mark`, `dtmf`, `stop`) and what a
 * bridge sends back (`media`, `mark`, `clear`). Field names and string-typed numbers follow
 * Twilio's "Media Streams - WebSocket Messages" page
 * (https://www.twilio.com/docs/voice/media-streams/websocket-messages).
 * @module
 */

/** `connected`: Twilio's first message, before any `sequenceNumber`. */
export interface TwilioConnectedMessage {
  readonly event: 'connected';
  readonly protocol: 'Call';
  readonly version: '1.0.0';
}

/** `start`: the stream's metadata; always `sequenceNumber` `"1"` on a new stream. */
export interface TwilioStartMessage {
  readonly event: 'start';
  /** The message's place in the stream, as a decimal string (Twilio sends strings). */
  readonly sequenceNumber: string;
  readonly streamSid: string;
  readonly start: {
    readonly streamSid: string;
    readonly accountSid: string;
    readonly callSid: string;
    readonly tracks: readonly string[];
    readonly mediaFormat: {
      readonly encoding: 'audio/x-mulaw';
      readonly sampleRate: 8000;
      readonly channels: 1;
    };
    /** The `<Parameter>`s of the TwiML `<Stream>`. */
    readonly customParameters: Readonly<Record<string, string>>;
  };
}

/** `media`: a chunk of the caller's audio, base64 µ-law 8 kHz mono. */
export interface TwilioMediaMessage {
  readonly event: 'media';
  readonly sequenceNumber: string;
  readonly streamSid: string;
  readonly media: {
    readonly track: 'inbound';
    /** The chunk's number on its track, from `"1"`. */
    readonly chunk: string;
    /** ms of the track's audio before this chunk, as a decimal string. */
    readonly timestamp: string;
    readonly payload: string;
  };
}

/** `mark`: the echo of a mark the bridge sent, once the audio before it has played (or cleared). */
export interface TwilioMarkMessage {
  readonly event: 'mark';
  readonly sequenceNumber: string;
  readonly streamSid: string;
  readonly mark: { readonly name: string };
}

/** `dtmf`: a key the caller pressed. */
export interface TwilioDtmfMessage {
  readonly event: 'dtmf';
  readonly sequenceNumber: string;
  readonly streamSid: string;
  readonly dtmf: { readonly track: 'inbound_track'; readonly digit: string };
}

/** `stop`: the stream ended (the caller hung up, or the TwiML moved on). */
export interface TwilioStopMessage {
  readonly event: 'stop';
  readonly sequenceNumber: string;
  readonly streamSid: string;
  readonly stop: { readonly accountSid: string; readonly callSid: string };
}

/** Any message the fake Twilio sends through its typed helpers. */
export type TwilioMessage =
  | TwilioConnectedMessage
  | TwilioStartMessage
  | TwilioMediaMessage
  | TwilioMarkMessage
  | TwilioDtmfMessage
  | TwilioStopMessage;

/**
 * One JSON message a bridge sent to "Twilio", as received: any object with a string `event`.
 * `media.payload` and `mark.name` are checked before the fake acts on them; other fields are
 * kept as sent.
 */
export interface BridgeMessage {
  /** `media`, `mark`, `clear`, or whatever else the bridge sent. */
  readonly event: string;
  readonly streamSid?: string;
  readonly media?: { readonly payload: string };
  readonly mark?: { readonly name: string };
  readonly [field: string]: unknown;
}

/** A frame from the bridge the fake could not act on (not JSON, binary, or a malformed event). */
export interface UnreadableFrame {
  /** The frame as text (a binary frame as base64). */
  readonly data: string;
  /** Why it was not acted on. */
  readonly problem: 'binary' | 'not_json' | 'no_event' | 'malformed';
}

/** Reads one frame from the bridge: the message, or why it is unreadable. */
export function readBridgeFrame(
  data: string,
): { readonly message: BridgeMessage } | { readonly problem: UnreadableFrame['problem'] } {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return { problem: 'not_json' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { problem: 'no_event' };
  const message = value as Record<string, unknown>;
  if (typeof message['event'] !== 'string') return { problem: 'no_event' };
  // only the fields the fake acts on are checked: a media without a payload or a mark without a
  // name would otherwise turn into audio of no length or an echo of `undefined`
  if (message['event'] === 'media' && typeof fieldOf(message['media'], 'payload') !== 'string')
    return { problem: 'malformed' };
  if (message['event'] === 'mark' && typeof fieldOf(message['mark'], 'name') !== 'string')
    return { problem: 'malformed' };
  return { message: message as BridgeMessage };
}

function fieldOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[key]
    : undefined;
}
