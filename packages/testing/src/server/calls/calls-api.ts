/**
 * The call-control routes over HTTP, runtime-neutral: `POST /v1/realtime/calls/{id}/accept`,
 * `/reject`, `/refer`, `/hangup` (and Azure's `/openai/v1/realtime/calls/…`), judged and
 * answered from a request's path, headers and text body. The ws fake serves them over real
 * HTTP, `server.callsApi()` as an in-memory `fetch`.
 * @module
 */
import { fetchPath, headerOf } from '../fetch-request.js';
import type { FetchLike, FetchResponseLike } from '@voxwire/protocol';
import { ephemeralCannotMint, httpErrorBody } from '../client-secrets.js';
import { Errors, serverError, type ServerErrorBody } from '../error-catalog.js';
import type { CallControlResult } from './control-bodies.js';

/** A call-control action. */
export type CallAction = 'accept' | 'reject' | 'refer' | 'hangup';

/** What the routes act on: the server's call-control methods. */
export interface CallControlTarget {
  acceptCall(callId: string, body: unknown): CallControlResult;
  rejectCall(callId: string, body?: unknown): CallControlResult;
  referCall(callId: string, body: unknown): CallControlResult;
  hangupCall(callId: string): CallControlResult;
}

/** Options of the call-control routes. */
export interface CallsApiOptions {
  /**
   * The only standard key accepted.
   * @default undefined (any non-empty key that is not an ephemeral `ek_…` one)
   */
  readonly apiKey?: string | undefined;
  /**
   * Whether Azure's paths (`/openai/v1/realtime/calls/…`, `api-key` header) are served.
   * @default true
   */
  readonly azure?: boolean | undefined;
}

/** An HTTP answer: status, text body, headers (lower-case names). */
export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

const ROUTE = /^(\/openai)?\/v1\/realtime\/calls\/([^/]+)\/(accept|reject|refer|hangup)$/;

/** The call and action a path names, or `undefined` when it is no call-control route. */
export function callControlRoute(
  path: string,
  azure = true,
): { readonly callId: string; readonly action: CallAction; readonly azure: boolean } | undefined {
  const m = ROUTE.exec(path);
  if (!m?.[2] || !m[3] || (m[1] !== undefined && !azure)) return undefined;
  return {
    callId: decodeURIComponent(m[2]),
    action: m[3] as CallAction,
    azure: m[1] !== undefined,
  };
}

function json(
  status: number,
  error: ServerErrorBody,
  extra: Record<string, string> = {},
): HttpAnswer {
  return {
    status,
    body: JSON.stringify(httpErrorBody(error)),
    headers: { 'content-type': 'application/json', ...extra },
  };
}

/**
 * Answers a request to a call-control route: 405 for another method than POST; 401 without a
 * key, for an ephemeral `ek_…` one (call control is a server's, with its standard key:
 * assumed wording) or another than `apiKey`; 400 for a body that is not JSON; then the
 * server's answer (200 with an empty body, 400, 404).
 */
export function serveCallControl(
  target: CallControlTarget,
  options: CallsApiOptions,
  route: { readonly callId: string; readonly action: CallAction; readonly azure: boolean },
  request: {
    readonly method: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: string;
  },
): HttpAnswer {
  if (request.method.toUpperCase() !== 'POST')
    return json(405, serverError(null, `Method ${request.method} is not allowed; use POST.`), {
      allow: 'POST',
    });
  const bearer = /^Bearer\s+(.+)$/i.exec(headerOf(request.headers, 'authorization') ?? '')?.[1];
  const key = (route.azure ? headerOf(request.headers, 'api-key') : undefined) ?? bearer?.trim();
  if (!key) return json(401, Errors.missingAuth());
  if (key.startsWith('ek_')) return json(401, ephemeralCannotControl());
  if (options.apiKey !== undefined && key !== options.apiKey)
    return json(401, Errors.invalidApiKey(key));
  let body: unknown;
  if (request.body.trim() !== '') {
    try {
      body = JSON.parse(request.body);
    } catch (error) {
      return json(400, Errors.invalidJson(error instanceof Error ? error.message : String(error)));
    }
  }
  const { callId } = route;
  const result =
    route.action === 'accept'
      ? target.acceptCall(callId, body)
      : route.action === 'reject'
        ? target.rejectCall(callId, body)
        : route.action === 'refer'
          ? target.referCall(callId, body)
          : target.hangupCall(callId);
  return {
    status: result.status,
    body: result.body === undefined ? '' : JSON.stringify(result.body),
    headers: result.body === undefined ? {} : { 'content-type': 'application/json' },
  };
}

// as ephemeralCannotMint, for the call-control routes (assumed wording)
function ephemeralCannotControl(): ServerErrorBody {
  return {
    ...ephemeralCannotMint(),
    message: 'Ephemeral client secrets (ek_…) cannot control calls; use a standard API key.',
  };
}

/** A `FetchLikeResponse` of an answer. */
export function fetchResponse(answer: HttpAnswer): FetchResponseLike {
  const lower = new Map(Object.entries(answer.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    status: answer.status,
    headers: { get: (name) => lower.get(name.toLowerCase()) ?? null },
    text: () => Promise.resolve(answer.body),
  };
}

/**
 * An in-memory `fetch` serving the call-control routes of any host (only the path matters);
 * another path gets 404.
 */
export function callsApiFetch(target: CallControlTarget, options: CallsApiOptions = {}): FetchLike {
  return (url, init) => {
    const asked = fetchPath(url, init.signal);
    if ('rejected' in asked) return asked.rejected;
    const path = asked.path;
    const route = callControlRoute(path, options.azure ?? true);
    if (!route)
      return Promise.resolve(
        fetchResponse(json(404, serverError(null, `No realtime call-control route at ${path}.`))),
      );
    const body = typeof init.body === 'string' ? init.body : '';
    return Promise.resolve(
      fetchResponse(serveCallControl(target, options, route, { ...init, body })),
    );
  };
}
