/**
 * Server-side control of Realtime calls (`/v1/realtime/calls`), with the standard API key:
 * answer a phone call that reached OpenAI's SIP trunk (`accept`, `reject`, `refer`, `hangup`,
 * by the `call_id` of the `realtime.call.incoming` webhook), and set up a browser's WebRTC call
 * without an ephemeral key (`create`: the server forwards the browser's SDP offer).
 *
 * Wire (https://platform.openai.com/docs/guides/realtime-sip, the WebRTC guide's "unified
 * interface", protocol.md §5.1): `POST /v1/realtime/calls/{call_id}/accept` with the GA session
 * object as JSON, 200 once the SIP leg rings; `…/reject` with `{ status_code? }` (default 603
 * Decline), 200; `…/refer` with `{ target_uri }`, 200 once the REFER is relayed; `…/hangup`, no
 * body, 200, for SIP and WebRTC calls alike; `POST /v1/realtime/calls` with `multipart/form-data`
 * fields `sdp` (the offer) and `session` (JSON), 201, body the SDP answer, `Location` the call.
 * @module
 */
import { callIdOfLocation, type CallSessionConfig, Endpoints } from '@voxwire/protocol';
import type { Clock } from '@voxwire/protocol';
import { CallControlError, type CallOperation } from './call-control-error.js';
import {
  checkCallId,
  checkSdp,
  checkSession,
  checkStatusCode,
  checkTargetUri,
  checkTimeoutMs,
} from './calls-input.js';
import { secretsOfUrl } from './errors.js';
import { openaiRestAuth, type OpenAIRestOptions } from './openai-rest.js';
import { type RestAnswer, restRequest, type RestWording } from './rest-request.js';
import { realtimeRestUrl } from './rest-url.js';
import { assertSecureUrl } from './url.js';

/** Options of {@link realtimeCalls}: OpenAI's ({@link OpenAIRestOptions}) and the requests'. */
export interface RealtimeCallsOptions extends OpenAIRestOptions {
  /**
   * `fetch` to use (tests, proxies).
   * @default globalThis.fetch
   */
  readonly fetch?: typeof fetch | undefined;
  /**
   * How long each request may take, ms, from the key lookup to the last byte of the answer;
   * past it the request is aborted and fails with `CallControlError('TIMEOUT')`. A phone call
   * rings while you wait: keep it short. `Infinity` for none.
   * @default 10000
   */
  readonly timeoutMs?: number | undefined;
  /**
   * The clock `timeoutMs` is counted on (tests pass a simulated one).
   * @default systemClock
   */
  readonly clock?: Clock | undefined;
}

/** Per-request options. */
export interface CallRequestOptions {
  /**
   * Aborts the request: it fails at once with `NETWORK_ERROR`, the signal's reason as `cause`.
   * @default undefined
   */
  readonly signal?: AbortSignal | undefined;
}

/** Options of {@link RealtimeCalls.reject}. */
export interface RejectCallOptions extends CallRequestOptions {
  /**
   * The SIP status sent to the caller, 400–699 (`486` Busy Here).
   * @default undefined (the server's, 603 Decline)
   */
  readonly statusCode?: number | undefined;
}

/** What {@link RealtimeCalls.create} sends. */
export interface CreateCallRequest extends CallRequestOptions {
  /** The browser's SDP offer, as it sent it (`v=0…`). */
  readonly sdp: string;
  /** The session the call starts with (`{ model, instructions, audio, … }`; `type` defaults to `'realtime'`). */
  readonly session: CallSessionConfig;
}

/** A created WebRTC call. */
export interface CreatedCall {
  /** The SDP answer: send it back to the browser for `setRemoteDescription`. */
  readonly sdp: string;
  /**
   * The call's id (`rtc_…`, the last segment of the `Location` header), for `hangup` or a
   * side-band `openai({ callId })` session; `undefined` when the server sent no `Location`.
   */
  readonly callId: string | undefined;
}

/** The call requests, bound to one key and base URL. */
export interface RealtimeCalls {
  /**
   * Accepts an incoming call with the session that answers it. Resolves once the server
   * answered 200 (the SIP leg rings); then open the side-band session with `openai({ callId })`.
   */
  accept(callId: string, session: CallSessionConfig, options?: CallRequestOptions): Promise<void>;
  /** Declines an incoming call, with `statusCode` or the server's 603. */
  reject(callId: string, options?: RejectCallOptions): Promise<void>;
  /** Transfers a call to `targetUri` (`tel:+1…`, `sip:…`) with a SIP REFER. */
  refer(callId: string, targetUri: string, options?: CallRequestOptions): Promise<void>;
  /** Ends a SIP or WebRTC call. */
  hangup(callId: string, options?: CallRequestOptions): Promise<void>;
  /** Creates a WebRTC call from a browser's SDP offer with the standard key; no ephemeral key. */
  create(request: CreateCallRequest): Promise<CreatedCall>;
}

/** {@link RealtimeCallsOptions.timeoutMs}'s default, ms. */
const DEFAULT_CALL_TIMEOUT_MS = 10_000;

/**
 * The calls endpoint below a base URL, with the rules of `clientSecretsUrl` (`wss:` → `https:`,
 * a trailing `/realtime` dropped, the query kept but for the WebSocket's own parameters), and
 * `/{callId}/{action}` (the id URL-path-encoded) when given.
 * @throws ConfigurationError `INVALID_URL`.
 */
export function realtimeCallsUrl(
  baseURL: string,
  call?: { readonly callId: string; readonly action: Exclude<CallOperation, 'create'> },
): URL {
  const path =
    call === undefined
      ? Endpoints.callsPath
      : `${Endpoints.callsPath}/${encodeURIComponent(call.callId)}/${call.action}`;
  return realtimeRestUrl(baseURL, path);
}

/**
 * The Realtime calls endpoints, with the standard API key. Options are checked here, once:
 * a missing key, a bad base URL or `timeoutMs` throw now, not on the first call.
 *
 * @throws ConfigurationError `MISSING_CREDENTIALS`, `INVALID_URL`, `INSECURE_URL`,
 *   `INVALID_OPTION`. Each method rejects with `ConfigurationError('INVALID_OPTION')` for a bad
 *   argument, before any request (a rejection, as every other failure, never a synchronous
 *   throw), and with {@link CallControlError} when the request fails, is refused or times out.
 */
export function realtimeCalls(options: RealtimeCallsOptions = {}): RealtimeCalls {
  const auth = openaiRestAuth(options, 'to control realtime calls');
  const timeoutMs = checkTimeoutMs(options.timeoutMs, DEFAULT_CALL_TIMEOUT_MS);
  assertSecureUrl(realtimeCallsUrl(auth.baseURL), options.allowInsecureUrl);
  // the requests carry the base URL's query (a gateway's key): never in a message
  const secrets = secretsOfUrl(new URL(auth.baseURL));

  const send = (
    operation: CallOperation,
    url: URL,
    wording: RestWording,
    body: { readonly json: string } | { readonly form: FormData } | undefined,
    callId: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<RestAnswer> =>
    restRequest({
      url,
      body,
      headers: auth.headers,
      secrets,
      timeoutMs,
      clock: options.clock,
      signal,
      fetch: options.fetch,
      wording,
      error: (code, message, details) =>
        new CallControlError(code, operation, message, { ...details, callId }),
    });

  const control = async (
    action: Exclude<CallOperation, 'create'>,
    callId: string,
    body: object | undefined,
    signal: AbortSignal | undefined,
  ): Promise<void> => {
    const verb = { accept: 'accept', reject: 'reject', refer: 'transfer', hangup: 'hang up' }[
      action
    ];
    const doing = {
      accept: 'Accepting',
      reject: 'Rejecting',
      refer: 'Transferring',
      hangup: 'Hanging up',
    }[action];
    await send(
      action,
      realtimeCallsUrl(auth.baseURL, { callId, action }),
      {
        doing: `${doing} call ${callId}`,
        toDo: `to ${verb} call ${callId}`,
        request: `the ${action} of call ${callId}`,
      },
      body === undefined ? undefined : { json: JSON.stringify(body) },
      callId,
      signal,
    );
  };

  return {
    accept: async (callId, session, requestOptions) => {
      const id = checkCallId(callId);
      const config = checkSession(session);
      return control('accept', id, { type: 'realtime', ...config }, requestOptions?.signal);
    },
    reject: async (callId, requestOptions) => {
      const id = checkCallId(callId);
      const statusCode = checkStatusCode(requestOptions?.statusCode);
      return control(
        'reject',
        id,
        statusCode === undefined ? {} : { status_code: statusCode },
        requestOptions?.signal,
      );
    },
    refer: async (callId, targetUri, requestOptions) => {
      const id = checkCallId(callId);
      const target = checkTargetUri(targetUri);
      return control('refer', id, { target_uri: target }, requestOptions?.signal);
    },
    hangup: async (callId, requestOptions) =>
      control('hangup', checkCallId(callId), undefined, requestOptions?.signal),
    create: async (request) => {
      const offer = checkSdp(request?.sdp);
      const session = checkSession(request.session);
      // plain text fields, as OpenAI's WebRTC guide sends them (`fd.set("sdp", offer)`)
      const form = new FormData();
      form.set('sdp', offer);
      form.set('session', JSON.stringify({ type: 'realtime', ...session }));
      const answer = await send(
        'create',
        realtimeCallsUrl(auth.baseURL),
        {
          doing: 'Creating a WebRTC call',
          toDo: 'to create a WebRTC call',
          request: 'a WebRTC call creation',
        },
        { form },
        undefined,
        request.signal,
      );
      if (!answer.text.startsWith('v='))
        // a URL that is no Realtime calls endpoint (a page, a proxy's 200) answers so every time
        throw new CallControlError(
          'INVALID_RESPONSE',
          'create',
          `The server answered HTTP ${answer.status} to a WebRTC call creation without an SDP answer (${answer.text === '' ? 'an empty body' : 'the body does not start with "v="'}).`,
        );
      return { sdp: answer.text, callId: callIdOfLocation(answer.headers.get('location')) };
    },
  };
}
