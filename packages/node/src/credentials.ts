/**
 * Credentials resolved on every connect: a string, or a function (sync or async) that is called
 * again for each (re)connect so rotated keys and expiring tokens are picked up.
 * @module
 */
import { ConfigurationError } from './errors.js';

/** A secret, or a function that returns one (called on every connect). */
export type SecretSource = string | (() => string | Promise<string>);

/** Environment variables, injectable for tests. */
export type Env = Readonly<Record<string, string | undefined>>;

/** `process.env` when running on Node, else an empty object (so browsers bundling this do not crash). */
export function processEnv(): Env {
  const proc = (globalThis as { process?: { env?: Env } }).process;
  return proc?.env ?? {};
}

/** A non-empty environment variable, trimmed, or `undefined`. */
export function envValue(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Whether a secret source is a string that is empty or all whitespace (a function is never
 * blank here: it is asked on connect, and {@link resolveSecret} refuses a blank answer).
 */
export function isBlankSecret(source: SecretSource): boolean {
  return typeof source === 'string' && source.trim() === '';
}

/**
 * Resolves a secret source into the secret, trimmed (whichever its source: a key read from a
 * file keeps its newline, and Node refuses a header with one only when the socket is made, as a
 * connect failure that looks retriable). The error never contains the secret, nor the message
 * of an error thrown by the callback (which might quote it): only its class name.
 * @throws ConfigurationError `CREDENTIAL_FAILED` when the function throws (`fatal: false`: the
 *   session retries it) or returns an empty value (fatal).
 */
export async function resolveSecret(source: SecretSource, what: string): Promise<string> {
  if (typeof source === 'string') return source.trim();
  let value: unknown;
  try {
    value = await source();
  } catch (cause) {
    // already typed and secret-free (a token provider built on a credential): kept as it is
    if (cause instanceof ConfigurationError) throw cause;
    const kind = cause instanceof Error ? cause.name : typeof cause;
    throw new ConfigurationError(
      'CREDENTIAL_FAILED',
      `The ${what} function threw (${kind}); see the error's cause.`,
      // not fatal: a vault or token endpoint that is down now may answer on the next attempt
      { cause, fatal: false },
    );
  }
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigurationError(
      'CREDENTIAL_FAILED',
      `The ${what} function returned ${typeof value === 'string' ? 'an empty string' : typeof value}, not ${/^[AEIOU]/.test(what) ? 'an' : 'a'} ${what}.`,
    );
  }
  return value.trim();
}
