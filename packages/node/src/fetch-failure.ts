/**
 * What is kept of an error `fetch` rejected with, for `createClientSecret`'s `NETWORK_ERROR`.
 * Node's fetch (undici) rejects with a bare `TypeError('fetch failed')` whose `cause` holds the
 * reason (`connect ECONNREFUSED 127.0.0.1:443`, code `ECONNREFUSED`); without it nobody can tell a
 * refused connection from a DNS failure. The errors themselves are not kept: a custom fetch's may
 * quote the request, its `Authorization` header included, so only copies of their messages
 * (redacted) and codes are.
 * @module
 */
import type { Redactor } from './errors.js';

/** How many errors of a `cause` chain are copied: undici's is two deep, a wrapper adds one. */
const MAX_CHAIN = 4;

/**
 * A copy of `error` and its `cause` chain (Errors only, at most {@link MAX_CHAIN}, cycles cut)
 * with only the name, the redacted message and the `code`; a copy without a code of its own
 * takes the first one below it, so `cause.code` is `ECONNREFUSED` for undici's `fetch failed`.
 * Also the `cause` of a base URL that does not parse, whose error keeps the URL (`input`).
 */
export function sanitizeFetchFailure(error: Error, redactor: Redactor): Error {
  return copyChain(error, redactor, new Set());
}

/** The messages of a chain {@link sanitizeFetchFailure} made, outermost first. */
export function describeFetchFailure(error: Error): string {
  const messages: string[] = [];
  for (let at: unknown = error; at instanceof Error; at = at.cause)
    if (at.message !== '') messages.push(at.message);
  return messages.length === 0 ? error.name : messages.join(': ');
}

function copyChain(error: Error, redactor: Redactor, seen: Set<Error>): Error {
  seen.add(error);
  const next = readSafely(() => error.cause);
  const inner =
    next instanceof Error && !seen.has(next) && seen.size < MAX_CHAIN
      ? copyChain(next, redactor, seen)
      : undefined;
  const copy = new Error(
    redactor.redact(String(readSafely(() => error.message) ?? '')),
    inner === undefined ? undefined : { cause: inner },
  );
  const name = readSafely(() => error.name);
  if (typeof name === 'string' && name !== 'Error') copy.name = redactor.redact(name);
  const code = codeOf(error) ?? (inner === undefined ? undefined : codeOf(inner));
  if (code !== undefined) Object.assign(copy, { code });
  return copy;
}

// a system error's code is a string (`ECONNREFUSED`), some libraries' a number; nothing else
function codeOf(error: Error): string | number | undefined {
  const code = readSafely(() => (error as { code?: unknown }).code);
  return typeof code === 'string' || typeof code === 'number' ? code : undefined;
}

// a getter on a foreign error may throw: the failure is still a NETWORK_ERROR, with less said
function readSafely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
