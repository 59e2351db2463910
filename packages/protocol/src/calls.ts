/**
 * The REST surface of Realtime calls (`/v1/realtime/calls`): the request bodies of the call
 * control endpoints and the call id a created call is answered with. Sources: the OpenAI SIP
 * guide (https://platform.openai.com/docs/guides/realtime-sip) and the WebRTC guide's "unified
 * interface" (https://platform.openai.com/docs/guides/realtime-webrtc); protocol.md §5.1.
 * @module
 */

/**
 * The session a call is accepted (or created) with: the GA session object, the same as a
 * client-secret mint's `session` (`{ type: 'realtime', model, instructions, audio, tools, … }`).
 * `type` is `'realtime'` when absent.
 */
export type CallSessionConfig = { readonly type?: 'realtime' } & Readonly<Record<string, unknown>>;

/**
 * Body of `POST /v1/realtime/calls/{call_id}/reject`. Answered 200 once the SIP response is
 * delivered to the carrier.
 */
export interface RejectCallBody {
  /** The SIP status sent to the caller (e.g. `486` Busy Here). @default 603 (Decline, the server's) */
  readonly status_code?: number;
}

/**
 * Body of `POST /v1/realtime/calls/{call_id}/refer`: the `Refer-To` of the SIP REFER that
 * transfers the call. Answered 200 once the REFER is relayed to the SIP provider.
 */
export interface ReferCallBody {
  /** Where the call goes: `tel:+14155550123` or `sip:agent@example.com`. */
  readonly target_uri: string;
}

/**
 * The call id in the `Location` header of a created call (`/v1/realtime/calls/rtc_…`, absolute or
 * relative): its last path segment, percent-decoded; `undefined` when there is no header or no
 * segment. Shared by core's WebRTC connector and `@voxwire/node`'s `realtimeCalls().create`.
 */
export function callIdOfLocation(location: string | null | undefined): string | undefined {
  if (location === null || location === undefined) return undefined;
  const path = location.split(/[?#]/, 1)[0] ?? '';
  const last = path
    .split('/')
    .filter((segment) => segment !== '')
    .at(-1);
  if (last === undefined) return undefined;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}
