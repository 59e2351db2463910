/**
 * One call the fake knows (`server.calls`): a WebRTC call (in-memory kit or werift) once its
 * session started, or a SIP call from `server.sip.incoming`. Its session's events go to the
 * media leg and, once any attached, to every side-band WebSocket (`?call_id=`): the fan-out
 * link is made for calls only, so a plain connection keeps its one link.
 * @module
 */
import type { FakeConnection } from '../connection.js';
import type { ServerLink } from '../outbound.js';
import type { OutputAudioEntry } from '../output-playback.js';
import type { JsonObject } from '../wire.js';
import type { SpokenTurnOptions } from '../../helpers.js';

/** How the call's media travels: a WebRTC peer, or OpenAI's SIP trunk. */
export type FakeCallKind = 'webrtc' | 'sip';

/**
 * Where a call is: `'ringing'` (SIP, waiting for accept/reject), `'active'` (its session runs),
 * `'rejected'` (SIP, refused while ringing), `'ended'`.
 */
export type FakeCallState = 'ringing' | 'active' | 'rejected' | 'ended';

/**
 * Why a call ended: `'hangup'` (`POST …/hangup`), `'referred'` (`POST …/refer`: the transfer
 * takes the caller away from the agent), `'caller_hung_up'` (a SIP caller left), `'unanswered'`
 * (a SIP call rang out), `'closed'` (its session closed any other way: the WebRTC peer or data
 * channel closed, ICE failed, the session expired, a fault or `server.close`).
 */
export type FakeCallEndReason = 'hangup' | 'referred' | 'caller_hung_up' | 'unanswered' | 'closed';

/** A side-band WebSocket attached to a call. */
export interface FakeSideband {
  /** 0-based, in attach order, per call. */
  readonly index: number;
  /** Whether it is still attached. */
  readonly open: boolean;
  /** How it closed, once it has (its own close, or 1000 when the call ended). */
  readonly closeInfo: { readonly code: number; readonly reason: string } | undefined;
  /**
   * Closes this side-band from the server's end while the call goes on, as a network drop or a
   * proxy restart would (1006, the default, drops the socket without a close frame): a client
   * that reconnects attaches again to the same session.
   * @param code the close code @default 1006
   */
  close(code?: number, reason?: string): void;
}

/** A client event of a call's session and the leg that sent it. */
export interface FakeCallClientEvent {
  /** `'media'`: the WebRTC data channel; `'sideband'`: a side-band WebSocket. */
  readonly via: 'media' | 'sideband';
  /** The side-band's index, for `via: 'sideband'`. */
  readonly sideband: number | undefined;
  /** The event, as `FakeConnection.clientEvents` keeps it. */
  readonly event: JsonObject;
}

/**
 * What became of a `realtime.call.incoming` delivery (the `webhook` option): `'pending'` while
 * signing and posting, then the app's HTTP status, or why no response came.
 */
export type WebhookDelivery =
  | { readonly state: 'pending' }
  | { readonly state: 'delivered'; readonly status: number }
  | { readonly state: 'failed'; readonly error: string };

/** One call, as `server.calls` shows it (live: its fields follow the call). */
export interface FakeCall {
  /** The call id (`rtc_…`): a WebRTC answer's `Location`, a SIP webhook's `data.call_id`. */
  readonly callId: string;
  readonly kind: FakeCallKind;
  readonly state: FakeCallState;
  /** Why it ended, once `'ended'`. */
  readonly endReason: FakeCallEndReason | undefined;
  /** The call's session (a media connection), once active. */
  readonly connection: FakeConnection | undefined;
  /** Every side-band attached so far, oldest first. */
  readonly sidebands: readonly FakeSideband[];
  /** The client events of the call's session with the leg each came on, in order. */
  readonly clientEvents: readonly FakeCallClientEvent[];
  /** SIP: the session config `POST …/accept` was given (as sent). */
  readonly acceptBody: JsonObject | undefined;
  /** SIP: the SIP status `POST …/reject` answered the caller with. */
  readonly rejectStatus: number | undefined;
  /** SIP: the targets `POST …/refer` transferred the caller to. */
  readonly referTargets: readonly string[];
  /** SIP: the webhook delivery, when the server has a `webhook`. */
  readonly webhookDelivery: WebhookDelivery | undefined;
}

/** A side-band's state, and its link. */
export class SidebandEntry implements FakeSideband {
  open = true;
  closeInfo: { code: number; reason: string } | undefined;
  constructor(
    readonly index: number,
    readonly link: ServerLink,
    // takes it off the call (the registry's bookkeeping of a side-band that closed)
    private readonly detach: (code: number, reason: string) => void,
  ) {}

  close(code = 1006, reason = ''): void {
    if (!this.open) return;
    this.detach(code, reason);
    this.link.close(code, reason);
  }
}

/**
 * The link a call's session sends on: its media leg, plus every side-band attached. With none
 * attached a frame costs the media send and one length check.
 */
export class CallLink implements ServerLink {
  readonly attached: SidebandEntry[] = [];
  constructor(private readonly media: ServerLink) {}

  send(frame: string | Uint8Array): void {
    this.media.send(frame);
    if (this.attached.length === 0) return;
    // a copy: a side-band's send may detach it
    for (const s of [...this.attached]) s.link.send(frame);
  }

  close(code: number, reason: string): void {
    // side-bands are closed by the registry once the session counts as closed
    this.media.close(code, reason);
  }
}

/** A call's state: what `server.calls` shows, and what the registry drives. */
export class CallEntry implements FakeCall {
  state: FakeCallState;
  endReason: FakeCallEndReason | undefined;
  connection: FakeConnection | undefined;
  link: CallLink | undefined;
  readonly sidebands: SidebandEntry[] = [];
  // the events a side-band sent, and which one: everything else came on the media leg
  readonly sidebandEvents = new Map<JsonObject, number>();
  acceptBody: JsonObject | undefined;
  rejectStatus: number | undefined;
  readonly referTargets: string[] = [];
  webhookDelivery: WebhookDelivery | undefined;

  constructor(
    readonly callId: string,
    readonly kind: FakeCallKind,
  ) {
    this.state = kind === 'sip' ? 'ringing' : 'active';
  }

  get clientEvents(): readonly FakeCallClientEvent[] {
    return (this.connection?.clientEvents ?? []).map((event) => {
      const sideband = this.sidebandEvents.get(event);
      return { via: sideband === undefined ? 'media' : 'sideband', sideband, event };
    });
  }
}

/** The SIP caller's side, for a test to drive (`server.sip.incoming`). */
export interface FakeSipCall extends FakeCall {
  /** `From`, `To` and any extra headers, as the webhook lists them in `sip_headers`. */
  readonly sipHeaders: readonly { readonly name: string; readonly value: string }[];
  /**
   * The `realtime.call.incoming` event the webhook carries: `{object:'event', id:'evt_…',
   * type, created_at, data:{call_id, sip_headers}}`.
   */
  readonly webhookEvent: JsonObject;
  /**
   * The webhook request as the fake would POST it, signed with `secret` (default the
   * server's `webhook.secret`): for a test that hands it to its handler itself.
   * @throws FakeServerOptionsError (as a rejection) with no secret, or a malformed one
   */
  webhookRequest(secret?: string): Promise<WebhookRequest>;
  /** Settles once the webhook delivery did (at once, `undefined`, without a `webhook`). */
  readonly webhookDelivered: Promise<WebhookDelivery | undefined>;
  /** Resolves `true` once accepted, or `false` once it ended without being accepted. */
  readonly accepted: Promise<boolean>;
  /** Resolves once the call is over (`'rejected'` or `'ended'`), with its state and reason. */
  readonly ended: Promise<{
    readonly state: 'rejected' | 'ended';
    readonly reason: FakeCallEndReason | undefined;
  }>;
  /**
   * The caller speaks PCM16 mono 24 kHz samples into the call: the session's VAD, commits and
   * transcription hear them as the WebRTC kit's microphone's. Dropped unless active.
   * @returns whether the audio reached the session
   */
  say(pcm: Int16Array): boolean;
  /**
   * Speaks `speechMs` of a tone then `silenceMs` of silence: one turn for the VAD (as
   * `FakeMicrophone.speakTurn`).
   * @returns `true` when the whole turn reached the session; `false` when it ended during it
   * @throws FakeServerError `NO_OPEN_CONNECTION` when none of it did (the call is not active)
   */
  speakTurn(speechMs: number, silenceMs: number, options?: SpokenTurnOptions): boolean;
  /**
   * The caller hangs up: a ringing call ends (`'ended'`, `'caller_hung_up'`), an active one's
   * session closes (1000) and every side-band with it. No-op once over.
   */
  hangUp(): void;
  /** What the session played to the caller, by response (media mode). */
  readonly outputAudio: readonly OutputAudioEntry[];
}

/** A webhook request, as the fake POSTs it. */
export interface WebhookRequest {
  /** The `webhook.url`, when the server has one. */
  readonly url: string | undefined;
  readonly method: 'POST';
  /** `content-type`, `webhook-id`, `webhook-timestamp`, `webhook-signature`. */
  readonly headers: Readonly<Record<string, string>>;
  /** The event as JSON text (what the signature covers). */
  readonly body: string;
}
