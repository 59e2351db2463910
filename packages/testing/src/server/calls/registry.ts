/**
 * The calls registry of a fake server (`server.calls`): WebRTC calls once their session
 * started, SIP calls from `server.sip.incoming`; side-band attaches (`?call_id=`); and the call
 * control (`accept`, `reject`, `refer`, `hangup`) with the answers the HTTP routes send.
 * @module
 */
import type { Clock } from '@voxwire/protocol';
import type { AcceptedConnection } from '../accept-init.js';
import type { FakeConnection } from '../connection.js';
import { closeReasonOf, serverError, type ServerErrorBody } from '../error-catalog.js';
import type { ServerLink } from '../outbound.js';
import { REQUEST_SHAPE_CLOSE_CODE } from '../served-models.js';
import { asServerEvent, clone, type JsonObject } from '../wire.js';
import { CallEntry, CallLink, SidebandEntry, type FakeCall } from './call-record.js';
import {
  badRequest,
  checkAcceptBody,
  DONE,
  referTargetOf,
  rejectStatusOf,
  unknownCall,
  wrongState,
  type CallControlResult,
} from './control-bodies.js';
import { SipCallEntry } from './sip-call.js';
import {
  deliverWebhook,
  incomingCallEvent,
  webhookRequest,
  type WebhookOptions,
} from './webhook.js';
import { hearInputAudio } from '../handlers-audio.js';

/** How long a SIP call rings unanswered before the fake gives it up, ms (assumed: 30 s). */
export const SIP_RING_TIMEOUT_MS = 30_000;

/** What `server.sip.incoming` takes: the caller's side of the INVITE. */
export interface SipIncomingOptions {
  /**
   * The `From` header.
   * @default 'sip:+15555550100@sip.example.com'
   */
  readonly from?: string | undefined;
  /**
   * The `To` header.
   * @default 'sip:+15555550199@sip.api.openai.com'
   */
  readonly to?: string | undefined;
  /**
   * More SIP headers, listed after `From`, `To` and `Call-ID` in the webhook's `sip_headers`.
   * @default none
   */
  readonly headers?: readonly { readonly name: string; readonly value: string }[] | undefined;
}

/** What the registry needs of its server. */
export interface CallsHost {
  readonly clock: Clock;
  newId(prefix: string): string;
  /** Starts a media session for a SIP call on `link`, from an accept body. */
  startSession(link: ServerLink, session: JsonObject): FakeConnection;
  /** A session config's refusal (a mint's checks), or `undefined`. */
  checkSession(session: JsonObject): ServerErrorBody | undefined;
  readonly webhook: WebhookOptions | undefined;
  readonly ringTimeoutMs: number;
}

/** The refusal a side-band to an unknown or inactive call gets (assumed wording). */
export function sidebandRefusal(callId: string, call: FakeCall | undefined): ServerErrorBody {
  const message = call
    ? `Call '${callId}' is ${call.state}: only an active call takes a side-band connection.`
    : `Call '${callId}' not found.`;
  return serverError(call ? 'invalid_call_state' : 'call_not_found', message, 'call_id');
}

/** Every call a server knows, by id. */
export class CallRegistry {
  readonly #calls: CallEntry[] = [];
  readonly #byId = new Map<string, CallEntry>();
  readonly #byConnection = new Map<FakeConnection, CallEntry>();

  constructor(private readonly host: CallsHost) {}

  /** Every call so far, oldest first. */
  get list(): readonly FakeCall[] {
    return this.#calls;
  }

  /** The call `callId`, if known. */
  get(callId: string): FakeCall | undefined {
    return this.#byId.get(callId);
  }

  /** A WebRTC call's session started (its data channel opened): the call is active. */
  addWebRtc(callId: string, link: CallLink, connection: FakeConnection): void {
    const call = new CallEntry(callId, 'webrtc');
    call.link = link;
    call.connection = connection;
    this.#add(call);
    this.#byConnection.set(connection, call);
  }

  /** A SIP INVITE reaches the trunk: the call rings and the webhook (if any) is delivered. */
  sipIncoming(options: SipIncomingOptions = {}): SipCallEntry {
    const callId = this.host.newId('rtc');
    const headers = [
      { name: 'From', value: options.from ?? 'sip:+15555550100@sip.example.com' },
      { name: 'To', value: options.to ?? 'sip:+15555550199@sip.api.openai.com' },
      { name: 'Call-ID', value: this.host.newId('sipcall') },
      ...(options.headers ?? []).map((h) => ({ name: String(h.name), value: String(h.value) })),
    ];
    const createdAt = Math.floor(this.host.clock.now() / 1000);
    const event = incomingCallEvent(this.host.newId('evt'), createdAt, callId, headers);
    const webhook = this.host.webhook;
    const call: SipCallEntry = new SipCallEntry(callId, headers, event, {
      webhookRequest: (c, secret) =>
        webhookRequest(
          clone(c.webhookEvent),
          secret ?? webhook?.secret,
          webhook?.url,
          Math.floor(this.host.clock.now() / 1000),
        ),
      callerHungUp: (c) => this.#callerHungUp(c),
    });
    this.#add(call);
    call.ringTimer = this.host.clock.setTimeout(() => {
      call.ringTimer = undefined;
      if (call.state === 'ringing') this.#end(call, 'unanswered');
    }, this.host.ringTimeoutMs);
    if (webhook) {
      call.webhookDelivery = { state: 'pending' };
      call.webhookDelivered = deliverWebhook(call.webhookRequest(), webhook.fetch).then((d) => {
        call.webhookDelivery = d;
        return d;
      });
    }
    return call;
  }

  /**
   * Attaches a side-band to the active call `callId`: it gets `session.created` of the call's
   * session, then every event the session sends; its client events go to that session. A
   * side-band to an unknown or inactive call gets an `error` and close 4000 on `link`, and
   * `undefined` is returned.
   */
  attachSideband(link: ServerLink, callId: string): AcceptedConnection | undefined {
    const call = this.#byId.get(callId);
    const conn = call?.connection;
    if (!call || call.state !== 'active' || !conn?.open || !call.link) {
      const error = sidebandRefusal(callId, call);
      link.send(JSON.stringify({ type: 'error', event_id: this.host.newId('event'), error }));
      link.close(REQUEST_SHAPE_CLOSE_CODE, closeReasonOf(error));
      return undefined;
    }
    const sideband: SidebandEntry = new SidebandEntry(call.sidebands.length, link, (code, reason) =>
      this.#detach(call, sideband, code, reason),
    );
    call.sidebands.push(sideband);
    // its own session.created, to it alone: the media leg had one when the session started
    const created = conn.codec.encodeServerEvent(
      asServerEvent({
        type: 'session.created',
        event_id: this.host.newId('event'),
        session: clone(conn.session),
      }),
    );
    if (created !== null) link.send(created);
    call.link.attached.push(sideband);
    return {
      connection: conn,
      receive: (frame) => {
        if (!sideband.open) return;
        const before = conn.clientEvents.length;
        conn.receive(frame);
        for (let i = before; i < conn.clientEvents.length; i++) {
          const event = conn.clientEvents[i];
          if (event) call.sidebandEvents.set(event, sideband.index);
        }
      },
      closed: (code, reason) => this.#detach(call, sideband, code, reason),
    };
  }

  /** A session closed: a call's ends, and its side-bands close (1000). */
  connectionClosed(conn: FakeConnection): void {
    const call = this.#byConnection.get(conn);
    if (!call) return;
    this.#byConnection.delete(conn);
    if (call.state === 'active') this.#end(call, 'closed');
    else this.#closeSidebands(call);
  }

  /** `POST /v1/realtime/calls/{id}/accept`: a ringing SIP call's session starts with `body`. */
  accept(callId: string, body: unknown): CallControlResult {
    const call = this.#byId.get(callId);
    if (!call) return unknownCall(callId);
    if (!(call instanceof SipCallEntry)) return notSip(callId, 'accept');
    if (call.state !== 'ringing') return wrongState(callId, 'accept', call.state, 'ringing');
    const bad = checkAcceptBody(body, (s) => this.host.checkSession(s));
    if (bad) return badRequest(bad);
    const session = clone(body as JsonObject);
    this.#stopRinging(call);
    // the caller's leg takes no events (its audio is the media): they reach side-bands only
    const link = new CallLink({ send: () => undefined, close: () => undefined });
    call.link = link;
    call.acceptBody = clone(session);
    call.state = 'active';
    const conn = this.host.startSession(link, session);
    call.connection = conn;
    this.#byConnection.set(conn, call);
    call.mic.route((pcm) => {
      if (!conn.open) return false;
      hearInputAudio(conn, pcm);
      return true;
    });
    call.markAccepted();
    return DONE;
  }

  /** `POST …/reject`: a ringing SIP call is refused with a SIP status (default 603). */
  reject(callId: string, body: unknown): CallControlResult {
    const call = this.#byId.get(callId);
    if (!call) return unknownCall(callId);
    if (!(call instanceof SipCallEntry)) return notSip(callId, 'reject');
    if (call.state !== 'ringing') return wrongState(callId, 'reject', call.state, 'ringing');
    const status = rejectStatusOf(body);
    if (typeof status !== 'number') return badRequest(status);
    this.#stopRinging(call);
    call.rejectStatus = status;
    call.state = 'rejected';
    call.markOver();
    return DONE;
  }

  /**
   * `POST …/refer`: an active SIP call is transferred to `target_uri`. The transfer takes the
   * caller away from the agent, so the fake then ends the call (assumed): its session closes
   * (1000) after the events already queued, and its side-bands with it.
   */
  refer(callId: string, body: unknown): CallControlResult {
    const call = this.#byId.get(callId);
    if (!call) return unknownCall(callId);
    if (!(call instanceof SipCallEntry)) return notSip(callId, 'refer');
    if (call.state !== 'active') return wrongState(callId, 'refer', call.state, 'active');
    const target = referTargetOf(body);
    if (typeof target !== 'string') return badRequest(target);
    call.referTargets.push(target);
    this.#end(call, 'referred');
    return DONE;
  }

  /** `POST …/hangup`: an active call (SIP or WebRTC) ends; its session closes (1000). */
  hangup(callId: string): CallControlResult {
    const call = this.#byId.get(callId);
    if (!call) return unknownCall(callId);
    if (call.state !== 'active') return wrongState(callId, 'hang up', call.state, 'active');
    this.#end(call, 'hangup');
    return DONE;
  }

  #add(call: CallEntry): void {
    this.#calls.push(call);
    this.#byId.set(call.callId, call);
  }

  #callerHungUp(call: SipCallEntry): void {
    if (call.state === 'ringing') {
      this.#stopRinging(call);
      this.#end(call, 'caller_hung_up');
    } else if (call.state === 'active') {
      call.endReason = 'caller_hung_up';
      // the caller's leg is the session's transport: gone, as a socket's loss
      call.connection?.transportClosed(1000, '');
    }
  }

  // the call is over: its session closes (after queued events) and side-bands with it
  #end(call: CallEntry, reason: NonNullable<CallEntry['endReason']>): void {
    if (call.state === 'ended' || call.state === 'rejected') return;
    call.state = 'ended';
    call.endReason ??= reason;
    if (call instanceof SipCallEntry) {
      this.#stopRinging(call);
      call.markOver();
    }
    const conn = call.connection;
    // a session still sending: the side-bands close once it has (connectionClosed)
    if (conn?.open) conn.close(1000, '');
    else this.#closeSidebands(call);
  }

  #closeSidebands(call: CallEntry): void {
    if (call.link) call.link.attached.length = 0;
    for (const s of call.sidebands)
      if (s.open) {
        s.open = false;
        s.closeInfo = { code: 1000, reason: '' };
        s.link.close(1000, '');
      }
  }

  #detach(call: CallEntry, sideband: SidebandEntry, code: number, reason: string): void {
    if (!sideband.open) return;
    sideband.open = false;
    sideband.closeInfo = { code, reason };
    const attached = call.link?.attached;
    const i = attached?.indexOf(sideband) ?? -1;
    if (attached && i >= 0) attached.splice(i, 1);
  }

  #stopRinging(call: SipCallEntry): void {
    if (call.ringTimer === undefined) return;
    this.host.clock.clearTimeout(call.ringTimer);
    call.ringTimer = undefined;
  }
}

// the call-control routes other than hangup are SIP's: a WebRTC call is answered at
// POST /v1/realtime/calls, and a transfer is a SIP REFER (assumed wording)
function notSip(callId: string, action: string): CallControlResult {
  return badRequest(
    serverError(
      'invalid_call_type',
      `Cannot ${action} call '${callId}': it is a WebRTC call; only SIP calls can be.`,
      'call_id',
    ),
  );
}
