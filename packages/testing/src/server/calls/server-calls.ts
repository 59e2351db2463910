/**
 * The calls surface of {@link FakeServer} (`server.calls`, `server.sip`, side-band attaches,
 * call control, `callsApi()`): thin methods over the server's calls registry, kept apart from
 * `fake-server.ts` by concern.
 * @module
 */
import type { FetchLike } from '@voxwire/protocol';
import type { AcceptedConnection } from '../accept-init.js';
import type { ServerLink } from '../outbound.js';
import type { FakeCall, FakeSipCall } from './call-record.js';
import { callsApiFetch, type CallsApiOptions } from './calls-api.js';
import type { CallControlResult } from './control-bodies.js';
import type { CallRegistry, SipIncomingOptions } from './registry.js';

/** The call methods of a fake server; `FakeServer` makes the registry they act on. */
export abstract class ServerCalls {
  /** The calls registry, made at the first call. */
  protected abstract registry(): CallRegistry;
  /** The calls registry, if any call was made. */
  protected abstract registryIfMade(): CallRegistry | undefined;

  /**
   * Attaches a side-band WebSocket (`wss://…/v1/realtime?call_id=…`) to the active call
   * `callId`. As the API documents a side-band as "any other Realtime API connection", it gets
   * `session.created` of the call's session on attach (assumed), then every event that session
   * sends; its client events go to the same session (`call.clientEvents` names the leg). Its
   * close leaves the call up; the call's end closes it (1000). An unknown or inactive call is
   * refused as a bad model is: an `error` (`invalid_request_error`, naming the call, wording
   * assumed) and close 4000 on `link`; then `undefined` is returned.
   */
  attachSideband(link: ServerLink, callId: string): AcceptedConnection | undefined {
    return this.registry().attachSideband(link, callId);
  }

  /** Every call (WebRTC once its session started, SIP from `sip.incoming`), oldest first. */
  get calls(): readonly FakeCall[] {
    return this.registryIfMade()?.list ?? [];
  }

  /** The SIP trunk: `incoming()` places a call, which rings (and fires the `webhook`). */
  get sip(): { incoming(options?: SipIncomingOptions): FakeSipCall } {
    return { incoming: (options) => this.registry().sipIncoming(options) };
  }

  /**
   * `POST /v1/realtime/calls/{id}/accept`: a ringing SIP call's session starts (media mode)
   * with `body`, a GA session config (`type: 'realtime'`, checked as a mint's `session`).
   */
  acceptCall(callId: string, body: unknown): CallControlResult {
    return this.registry().accept(callId, body);
  }

  /** `POST …/reject`: a ringing SIP call is refused (`{status_code?}`, 400–699, default 603). */
  rejectCall(callId: string, body?: unknown): CallControlResult {
    return this.registry().reject(callId, body);
  }

  /** `POST …/refer`: an active SIP call goes to `{target_uri}` (`tel:`/`sip:`) and ends here. */
  referCall(callId: string, body: unknown): CallControlResult {
    return this.registry().refer(callId, body);
  }

  /** `POST …/hangup`: an active call (SIP or WebRTC) ends; its session and side-bands close. */
  hangupCall(callId: string): CallControlResult {
    return this.registry().hangup(callId);
  }

  /**
   * An in-memory `fetch` serving the call-control routes (`POST …/v1/realtime/calls/{id}/accept`,
   * `reject`, `refer`, `hangup`; Azure's too) over this server, keys judged as the ws fake does.
   */
  callsApi(options: CallsApiOptions = {}): FetchLike {
    return callsApiFetch(this, options);
  }
}
