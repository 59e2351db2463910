/**
 * The ws mode's `POST /v1/realtime/client_secrets` (and Azure's `/openai/v1/realtime/client_secrets`):
 * the key, as the upgrade judges it, the body, read up to a cap, and the mint's JSON answer.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ephemeralCannotMint, httpErrorBody, type MintResult } from '../server/client-secrets.js';
import { Errors, serverError, type ServerErrorBody } from '../server/error-catalog.js';
import type { JsonObject } from '../server/wire.js';
import { bearerOf, header } from './handshake.js';

/**
 * The largest mint body read, bytes. A session config with long instructions and many tools
 * stays far below it; a bigger body is refused with 413 once the cap is passed, unread.
 */
export const CLIENT_SECRETS_MAX_BODY_BYTES = 1024 * 1024;

/** What the mint endpoint needs of the ws server. */
export interface ClientSecretsEndpoint {
  /** The only standard key accepted (any non-empty non-`ek_` key when absent). */
  readonly apiKey: string | undefined;
  /** Whether the Azure path is served. */
  readonly azure: boolean;
  /** Mints from a parsed body (the fake server's). */
  mint(body: unknown): MintResult;
}

/**
 * Answers a plain HTTP request when it is to a mint path, and returns whether it was: any other
 * request is the caller's.
 */
export function serveClientSecrets(
  req: IncomingMessage,
  res: ServerResponse,
  endpoint: ClientSecretsEndpoint,
): boolean {
  const path = new URL(req.url ?? '/', 'http://fake.invalid').pathname.replace(/\/+$/, '');
  const azure = endpoint.azure && path === '/openai/v1/realtime/client_secrets';
  if (path !== '/v1/realtime/client_secrets' && !azure) return false;
  const send = (status: number, body: JsonObject) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  };
  const fail = (status: number, error: ServerErrorBody) => send(status, httpErrorBody(error));
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    // assumed wording: protocol.md records no answer to another method
    return (fail(405, serverError(null, `Method ${req.method} is not allowed; use POST.`)), true);
  }
  const authError = judgeKey(req, azure, endpoint.apiKey);
  if (authError) return (fail(401, authError), true);
  readCapped(req, (bytes) => {
    if (bytes === undefined) {
      // the connection closes after this answer: the rest of the body is never read
      res.setHeader('connection', 'close');
      return fail(
        413,
        // assumed: protocol.md has no size error for this endpoint
        serverError(
          'request_too_large',
          `The request body is larger than ${CLIENT_SECRETS_MAX_BODY_BYTES} bytes.`,
        ),
      );
    }
    let body: unknown;
    try {
      body = bytes.length === 0 ? {} : JSON.parse(bytes.toString('utf8'));
    } catch {
      // the REST API's wording for an unparsable body (protocol.md records only the WebSocket's)
      return fail(
        400,
        serverError(
          null,
          "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
        ),
      );
    }
    const result = endpoint.mint(body);
    send(result.status, result.body);
  });
  return true;
}

// the key, as the upgrade takes it (Bearer; on Azure the `api-key` header first), judged as the
// upgrade judges it; an ephemeral key never mints
function judgeKey(
  req: IncomingMessage,
  azure: boolean,
  apiKey: string | undefined,
): ServerErrorBody | undefined {
  const key = (azure ? header(req.headers, 'api-key') : undefined) ?? bearerOf(req.headers);
  if (!key) return Errors.missingAuth();
  if (key.startsWith('ek_')) return ephemeralCannotMint();
  if (apiKey !== undefined && key !== apiKey) return Errors.invalidApiKey(key);
  return undefined;
}

/**
 * Reads a request's body, or gives `undefined` once it passes `max` bytes (a declared length
 * over it is refused before a byte is read); chunks past the cap are not kept.
 */
export function readCapped(
  req: IncomingMessage,
  done: (bytes: Buffer | undefined) => void,
  max = CLIENT_SECRETS_MAX_BODY_BYTES,
): void {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) return done(undefined);
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  req.on('data', (chunk: Buffer) => {
    if (over) return;
    size += chunk.length;
    if (size > max) {
      over = true;
      chunks.length = 0;
      done(undefined);
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (!over) done(Buffer.concat(chunks));
  });
  // a client that resets mid-body gets no answer; nothing to report
  req.on('error', () => undefined);
}
