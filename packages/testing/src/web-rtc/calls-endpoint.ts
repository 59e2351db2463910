/**
 * The fake `POST /v1/realtime/calls` (and Azure's `/openai/v1/realtime/calls`): the request judged
 * by {@link judgeCallRequest} (runtime-neutral, shared with the ws fake's real WebRTC endpoint),
 * and the in-memory kit's `FetchLike` over it: the key judged as the ws mode judges a handshake's,
 * the SDP offer checked, and the API's answers (201 + SDP answer + `Location`, 401, 400, 404,
 * 405), or a failure the test scripted.
 * @module
 */
import { fetchPath, headerOf } from '../server/fetch-request.js';
import type { FetchLike, FetchResponseLike } from '@voxwire/protocol';
import {
  callControlRoute,
  fetchResponse,
  serveCallControl,
  type CallControlTarget,
} from '../server/calls/calls-api.js';
import { httpErrorBody } from '../server/client-secrets.js';
import { Errors, serverError, type ServerErrorBody } from '../server/error-catalog.js';
import type { FakeServer } from '../server/fake-server.js';
import { judgeKey } from '../server/key-check.js';
import { isObject, type JsonObject } from '../server/wire.js';
import { multipartBoundary, parseMultipart, readFormData, type CallForm } from './multipart.js';
import { readOffer, type OfferShape } from './sdp.js';

/** A failure the next call request gets instead of its answer (`kit.failNextCall`). */
export interface CallFailure {
  /** The HTTP status. */
  readonly status: number;
  /**
   * The `Retry-After` header.
   * @default none
   */
  readonly retryAfter?: string | undefined;
  /**
   * The body.
   * @default the API's JSON error body, `server_error` with a message naming the status
   */
  readonly body?: string | undefined;
}

/** What the endpoint needs of its kit: the policy requests are judged by, and the call maker. */
export interface CallsEndpointHost extends CallPolicy {
  /** Records a call answered with 201; returns its id (`rtc_…`) and answer SDP. */
  createCall(
    azure: boolean,
    offer: string,
    shape: OfferShape,
    clientSecret: string | undefined,
    session: JsonObject | undefined,
  ): { callId: string; answer: string };
  /**
   * The server the call-control routes (`…/calls/{id}/accept|reject|refer|hangup`) act on.
   * @default none: those paths are refused 404
   */
  readonly control?: CallControlTarget | undefined;
}

/** A request to a calls endpoint, as any runtime hands it over. */
export interface CallRequest {
  /** The URL's path, trailing slashes removed. */
  readonly path: string;
  /** The HTTP method. */
  readonly method: string;
  /** The request headers (any case). */
  readonly headers: Readonly<Record<string, string>>;
  /** The body (the SDP offer, or a multipart form as text). */
  readonly body: string;
  /**
   * The parts of a `FormData` body already read (the in-memory `fetch` given one).
   * @default undefined (the body is text)
   */
  readonly form?: CallForm | undefined;
}

/** What a calls endpoint judges a request against. */
export interface CallPolicy {
  /** The server whose minted secrets authenticate. */
  readonly server: Pick<FakeServer, 'clientSecretState'>;
  /**
   * The only standard key accepted.
   * @default undefined (any non-empty key that is not a minted secret's)
   */
  readonly apiKey: string | undefined;
  /**
   * Whether Azure's path (`/openai/v1/realtime/calls`) is served.
   * @default true
   */
  readonly azure?: boolean | undefined;
  /**
   * The next scripted failure, taken once a request reached a served path with POST.
   * @default none
   */
  takeFailure?(): CallFailure | undefined;
  /**
   * A multipart request's `session` part's refusal (a mint's checks), or `undefined`.
   * @default none: any JSON object is taken
   */
  checkSession?(session: JsonObject): ServerErrorBody | undefined;
}

/** An answer of the endpoint that opens no call: a refusal or a scripted failure. */
export interface CallRefusal {
  readonly kind: 'refused';
  readonly status: number;
  readonly body: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
}

/** A request the endpoint accepts: the caller makes the call and answers 201. */
export interface CallAcceptance {
  readonly kind: 'accepted';
  /** Whether it came in on Azure's path. */
  readonly azure: boolean;
  /** What the offer carries. */
  readonly shape: OfferShape;
  /** The live minted secret that authenticated it, or `undefined` for a standard key. */
  readonly secret: string | undefined;
  /** The SDP offer (the body, or a multipart request's `sdp` part). */
  readonly offer: string;
  /** A multipart request's `session` part, parsed and checked. */
  readonly session: JsonObject | undefined;
}

function refusal(status: number, body: string, headers: Record<string, string>): CallRefusal {
  return { kind: 'refused', status, body, headers };
}

function jsonError(
  status: number,
  error: ServerErrorBody,
  extra: Record<string, string> = {},
): CallRefusal {
  return refusal(status, JSON.stringify(httpErrorBody(error)), {
    'content-type': 'application/json',
    ...extra,
  });
}

/**
 * Judges a calls request as the API does: 404 off the calls paths, 405 for another method, a
 * scripted failure, 401 for a refused key (`judgeKey`: a live minted `ek_…` secret or the
 * standard key), 400 for another `Content-Type` or a body that is no usable SDP offer; else
 * the request is accepted and the caller answers 201 with its SDP answer and `Location`.
 */
export function judgeCallRequest(
  policy: CallPolicy,
  request: CallRequest,
): CallRefusal | CallAcceptance {
  const { path } = request;
  const azure = (policy.azure ?? true) && path === '/openai/v1/realtime/calls';
  if (path !== '/v1/realtime/calls' && !azure)
    // assumed wording: the fake serves the calls endpoint only
    return jsonError(404, serverError(null, `No realtime calls endpoint at ${path}.`));
  if (request.method.toUpperCase() !== 'POST')
    return jsonError(405, serverError(null, `Method ${request.method} is not allowed; use POST.`), {
      allow: 'POST',
    });
  const failure = policy.takeFailure?.();
  if (failure) {
    const body =
      failure.body ??
      JSON.stringify(
        httpErrorBody(
          serverError(
            null,
            `The server had an error (scripted ${failure.status}).`,
            null,
            null,
            'server_error',
          ),
        ),
      );
    return refusal(failure.status, body, {
      'content-type': failure.body === undefined ? 'application/json' : 'text/plain',
      ...(failure.retryAfter !== undefined ? { 'retry-after': failure.retryAfter } : {}),
    });
  }
  // as a handshake: Azure takes `api-key` first, then Bearer; a live minted secret authenticates
  const bearer = /^Bearer\s+(.+)$/i.exec(headerOf(request.headers, 'authorization') ?? '')?.[1];
  const key = (azure ? headerOf(request.headers, 'api-key') : undefined) ?? bearer?.trim();
  const { error, secret } = judgeKey(
    key,
    { apiKey: policy.apiKey, clientSecret: (k) => policy.server.clientSecretState(k) },
    true,
  );
  if (error) return jsonError(401, error);
  const contentType = headerOf(request.headers, 'content-type');
  const boundary = multipartBoundary(contentType);
  if (request.form !== undefined || boundary !== undefined)
    return judgeForm(policy, request, boundary ?? '', azure, secret);
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/sdp')
    // assumed wording
    return jsonError(
      400,
      Errors.invalidValue(
        'Content-Type',
        type || '(none)',
        ['application/sdp', 'multipart/form-data'],
        null,
      ),
    );
  const shape = readOffer(request.body);
  if ('refused' in shape) return jsonError(400, serverError('invalid_offer', shape.refused));
  return { kind: 'accepted', azure, shape, secret, offer: request.body, session: undefined };
}

// the unified form: `sdp` and `session` parts, with a standard key (an ephemeral key's session
// is its mint's); every refusal's wording is assumed
function judgeForm(
  policy: CallPolicy,
  request: CallRequest,
  boundary: string,
  azure: boolean,
  secret: string | undefined,
): CallRefusal | CallAcceptance {
  if (secret !== undefined)
    return jsonError(
      401,
      serverError(
        'invalid_api_key',
        'A multipart call request (sdp + session) needs a standard API key; with an ephemeral client secret, POST the SDP offer as application/sdp.',
      ),
    );
  const form = request.form ?? parseMultipart(request.body, boundary);
  if (!form)
    return jsonError(
      400,
      serverError('invalid_body', 'The multipart/form-data body could not be parsed.'),
    );
  if (form.sdp === undefined) return jsonError(400, Errors.missingParameter('sdp', null));
  const shape = readOffer(form.sdp);
  if ('refused' in shape) return jsonError(400, serverError('invalid_offer', shape.refused));
  let session: JsonObject | undefined;
  if (form.session !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(form.session);
    } catch (e) {
      return jsonError(400, Errors.invalidJson(e instanceof Error ? e.message : String(e)));
    }
    if (!isObject(parsed)) return jsonError(400, Errors.invalidType('session', 'an object', null));
    const bad = policy.checkSession?.(parsed);
    if (bad) return jsonError(400, bad);
    session = parsed;
  }
  return { kind: 'accepted', azure, shape, secret, offer: form.sdp, session };
}

function response(
  status: number,
  body: string,
  headers: Readonly<Record<string, string>>,
): FetchResponseLike {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    status,
    headers: { get: (name) => lower.get(name.toLowerCase()) ?? null },
    text: () => Promise.resolve(body),
  };
}

/** Makes the endpoint's `fetch`. Requests to any host are served; only the path matters. */
export function callsEndpoint(host: CallsEndpointHost): FetchLike {
  return (url, init) => {
    const asked = fetchPath(url, init.signal);
    if ('rejected' in asked) return asked.rejected;
    const path = asked.path;
    const body = typeof init.body === 'string' ? init.body : '';
    const route = host.control ? callControlRoute(path, host.azure ?? true) : undefined;
    if (route && host.control)
      return Promise.resolve(
        fetchResponse(
          serveCallControl(host.control, { apiKey: host.apiKey }, route, { ...init, body }),
        ),
      );
    // `fetch` takes a FormData body too (the API's multipart form), though FetchLike types text
    const raw: unknown = init.body;
    const formData =
      typeof raw === 'object' &&
      raw !== null &&
      typeof (raw as { get?: unknown }).get === 'function'
        ? (raw as { get(name: string): unknown })
        : undefined;
    const answer = (form: CallForm | undefined): FetchResponseLike => {
      const verdict = judgeCallRequest(host, {
        path,
        method: init.method,
        headers: init.headers,
        body,
        form,
      });
      if (verdict.kind === 'refused')
        return response(verdict.status, verdict.body, verdict.headers);
      const call = host.createCall(
        verdict.azure,
        verdict.offer,
        verdict.shape,
        verdict.secret,
        verdict.session,
      );
      return response(201, call.answer, {
        'content-type': 'application/sdp',
        location: `${path}/${call.callId}`,
      });
    };
    return formData ? readFormData(formData).then(answer) : Promise.resolve(answer(undefined));
  };
}
