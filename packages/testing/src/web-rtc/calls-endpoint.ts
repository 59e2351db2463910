/**
 * The fake `POST /v1/realtime/calls` (and Azure's `/openai/v1/realtime/calls`), as a `FetchLike`:
 * the key judged as the ws mode judges a handshake's, the SDP offer checked, and the API's
 * answers (201 + SDP answer + `Location`, 401, 400, 404, 405), or a failure the test scripted.
 * @module
 */
import type { FetchLike, FetchResponseLike } from '@voxwire/protocol';
import { httpErrorBody } from '../server/client-secrets.js';
import { Errors, serverError, type ServerErrorBody } from '../server/error-catalog.js';
import type { FakeServer } from '../server/fake-server.js';
import { judgeKey } from '../server/key-check.js';
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

/** What the endpoint needs of its kit. */
export interface CallsEndpointHost {
  readonly server: FakeServer;
  /**
   * The only standard key accepted.
   * @default undefined (any non-empty key that is not a minted secret's)
   */
  readonly apiKey: string | undefined;
  /** The next scripted failure, taken once. */
  takeFailure(): CallFailure | undefined;
  /** Records a call answered with 201; returns its id (`rtc_…`) and answer SDP. */
  createCall(
    azure: boolean,
    offer: string,
    shape: OfferShape,
    clientSecret: string | undefined,
  ): { callId: string; answer: string };
}

function response(
  status: number,
  body: string,
  headers: Record<string, string>,
): FetchResponseLike {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    status,
    headers: { get: (name) => lower.get(name.toLowerCase()) ?? null },
    text: () => Promise.resolve(body),
  };
}

function jsonError(
  status: number,
  error: ServerErrorBody,
  extra: Record<string, string> = {},
): FetchResponseLike {
  return response(status, JSON.stringify(httpErrorBody(error)), {
    'content-type': 'application/json',
    ...extra,
  });
}

function headerOf(headers: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/** Makes the endpoint's `fetch`. Requests to any host are served; only the path matters. */
export function callsEndpoint(host: CallsEndpointHost): FetchLike {
  return (url, init) => {
    if (init.signal?.aborted)
      return Promise.reject(init.signal.reason ?? new Error('The operation was aborted.'));
    let path: string;
    try {
      path = new URL(url).pathname.replace(/\/+$/, '');
    } catch {
      // fetch rejects an unparsable URL with a TypeError before any request
      return Promise.reject(new TypeError(`Failed to parse URL from ${url}`));
    }
    return Promise.resolve(answer(host, path, init));
  };
}

function answer(
  host: CallsEndpointHost,
  path: string,
  init: Parameters<FetchLike>[1],
): FetchResponseLike {
  const azure = path === '/openai/v1/realtime/calls';
  if (path !== '/v1/realtime/calls' && !azure)
    // assumed wording: the fake serves the calls endpoint only
    return jsonError(404, serverError(null, `No realtime calls endpoint at ${path}.`));
  if (init.method.toUpperCase() !== 'POST')
    return jsonError(405, serverError(null, `Method ${init.method} is not allowed; use POST.`), {
      allow: 'POST',
    });
  const failure = host.takeFailure();
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
    return response(failure.status, body, {
      'content-type': failure.body === undefined ? 'application/json' : 'text/plain',
      ...(failure.retryAfter !== undefined ? { 'retry-after': failure.retryAfter } : {}),
    });
  }
  // as a handshake: Azure takes `api-key` first, then Bearer; a live minted secret authenticates
  const bearer = /^Bearer\s+(.+)$/i.exec(headerOf(init.headers, 'authorization') ?? '')?.[1];
  const key = (azure ? headerOf(init.headers, 'api-key') : undefined) ?? bearer?.trim();
  const { error, secret } = judgeKey(
    key,
    { apiKey: host.apiKey, clientSecret: (k) => host.server.clientSecretState(k) },
    true,
  );
  if (error) return jsonError(401, error);
  const type = (headerOf(init.headers, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/sdp')
    // assumed wording; the API's multipart form (a standard key with a session) is not served
    return jsonError(
      400,
      Errors.invalidValue('Content-Type', type || '(none)', ['application/sdp'], null),
    );
  const shape = readOffer(typeof init.body === 'string' ? init.body : '');
  if ('refused' in shape) return jsonError(400, serverError('invalid_offer', shape.refused));
  const call = host.createCall(azure, init.body, shape, secret);
  return response(201, call.answer, {
    'content-type': 'application/sdp',
    location: `${path}/${call.callId}`,
  });
}
