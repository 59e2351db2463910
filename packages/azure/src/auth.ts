/**
 * Microsoft Entra ID tokens for Azure OpenAI: a static token, a token provider called on every
 * connect, or an `@azure/core-auth` `TokenCredential` whose token is cached until shortly
 * before it expires, so every (re)connect presents a valid token.
 * @module
 */
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { ConfigurationError, resolveSecret } from '@voxwire/node';
import type { Clock } from '@voxwire/protocol';
import { systemClock } from '@voxwire/protocol';

/** The scope Azure OpenAI tokens are issued for. */
export const AZURE_COGNITIVE_SERVICES_SCOPE = 'https://cognitiveservices.azure.com/.default';

/** Returns a bearer token; called on every connect. */
export type TokenProvider = () => string | Promise<string>;

/** Options of {@link credentialTokenProvider}. */
export interface CredentialTokenProviderOptions {
  /**
   * The scope to request.
   * @default 'https://cognitiveservices.azure.com/.default'
   */
  readonly scope?: string | undefined;
  /**
   * A cached token is renewed this many ms before it expires (or at the credential's own
   * `refreshAfterTimestamp`, whichever comes first), so a connect never presents a token that
   * dies during the handshake.
   * @default 300000 (5 minutes)
   */
  readonly refreshMarginMs?: number | undefined;
  /**
   * Time source for expiry checks (`now()` must be epoch ms, as token timestamps are).
   * @default systemClock
   */
  readonly clock?: Clock | undefined;
}

/**
 * A {@link TokenProvider} over a `TokenCredential` (e.g. `DefaultAzureCredential`): the token is
 * cached and fetched again only when it is within the refresh margin of expiring. Concurrent
 * callers share one in-flight request.
 */
export function credentialTokenProvider(
  credential: TokenCredential,
  options: CredentialTokenProviderOptions = {},
): TokenProvider {
  const tokens = credentialTokens(credential, options);
  return () => tokens.get();
}

/** A credential's token cache, and the way to drop a token the service refused. */
export interface CredentialTokens {
  /** The cached token while fresh, else the one in flight, else a new request. */
  get(): string | Promise<string>;
  /**
   * The cached token while fresh, else a request of its own that joins none in flight: for a
   * caller that shares and bounds pending requests itself (the connector's lookup, which asks
   * again once a request has been pending for a few connect timeouts; joining the in-flight one
   * then handed it the same hung request for ever).
   */
  ask(): string | Promise<string>;
  /**
   * `token` was refused by the service (HTTP 401: revoked, or judged on a skewed clock): it is
   * never handed out from the cache again, and the next {@link CredentialTokens.get} asks the
   * credential anew (or joins a request started after this call).
   */
  refuse(token: string): void;
}

/**
 * The cache behind {@link credentialTokenProvider}, with {@link CredentialTokens.refuse} for the
 * connector's retry after a 401.
 */
export function credentialTokens(
  credential: TokenCredential,
  options: CredentialTokenProviderOptions = {},
): CredentialTokens {
  const scope = options.scope ?? AZURE_COGNITIVE_SERVICES_SCOPE;
  const margin = options.refreshMarginMs ?? 5 * 60_000;
  if (!Number.isFinite(margin) || margin < 0) {
    throw new ConfigurationError(
      'INVALID_OPTION',
      `refreshMarginMs must be a non-negative number, got ${String(options.refreshMarginMs)}.`,
    );
  }
  const clock = options.clock ?? systemClock;
  let cached: AccessToken | undefined;
  let inflight: Promise<string> | undefined;
  // the last token the service refused: a credential with a cache of its own (MSAL's) may hand
  // it out again, and it must not settle back into this cache for every later connect
  let refused: string | undefined;

  const fresh = (token: AccessToken | undefined): token is AccessToken => {
    if (token === undefined) return false;
    const now = clock.now();
    const renewAt = Math.min(
      token.expiresOnTimestamp - margin,
      token.refreshAfterTimestamp ?? Number.POSITIVE_INFINITY,
    );
    return now < renewAt;
  };

  const fetchToken = async (): Promise<string> => {
    let token: AccessToken | null;
    try {
      token = await credential.getToken(scope);
    } catch (cause) {
      const kind = cause instanceof Error ? cause.name : typeof cause;
      if (isCredentialUnavailable(cause))
        throw unavailable(cause, `The Azure credential cannot get a token for ${scope}`);
      if (isCredentialRefused(cause))
        throw credentialRefused(
          cause,
          `Entra ID refused the Azure credential's sign-in for ${scope}`,
        );
      throw new ConfigurationError(
        'CREDENTIAL_FAILED',
        `The Azure credential could not get a token for ${scope} (${kind}); see the error's cause.`,
        // not fatal: the token endpoint may be unreachable for a moment (often in the outage
        // that dropped the socket); the session retries within its reconnect attempts
        { cause, fatal: false },
      );
    }
    if (token === null || typeof token.token !== 'string' || token.token === '') {
      throw new ConfigurationError(
        'CREDENTIAL_FAILED',
        `The Azure credential returned no token for ${scope}.`,
      );
    }
    if (token.token !== refused) cached = token;
    return token.token;
  };

  return {
    get() {
      if (fresh(cached)) return cached.token;
      if (inflight) return inflight;
      const request = fetchToken();
      // cleared once settled, whichever way, and only if still the current request: a
      // credential that throws synchronously settles the request before this line, so a
      // `finally` inside fetchToken would run before the assignment and leave the failure
      // cached for good
      inflight = request;
      const clear = () => {
        if (inflight === request) inflight = undefined;
      };
      request.then(clear, clear);
      return request;
    },
    ask() {
      return fresh(cached) ? cached.token : fetchToken();
    },
    refuse(token) {
      refused = token;
      if (cached?.token === token) cached = undefined;
    },
  };
}

/**
 * Resolves a token provider's token, with a typed error when it fails, and without a `Bearer `
 * prefix: a provider that returns the header's value (`Bearer eyJ…`) was sent as
 * `Authorization: Bearer Bearer eyJ…`, which Azure refuses with a fatal 401 that reads as a bad
 * token. A JWT never starts with that word. A provider built on a credential that cannot work
 * here (`getBearerTokenProvider` over a `DefaultAzureCredential` with no identity to find) fails
 * fatally, as a `credential` does.
 */
export async function resolveToken(provider: TokenProvider): Promise<string> {
  let answer: string;
  try {
    answer = await resolveSecret(provider, 'Entra token');
  } catch (error) {
    // `resolveSecret` makes every throw retriable; this one would fail every retry alike
    if (error instanceof ConfigurationError && !error.fatal && isCredentialUnavailable(error.cause))
      throw unavailable(error.cause, "The Entra token function's credential cannot get a token");
    if (error instanceof ConfigurationError && !error.fatal && isCredentialRefused(error.cause))
      throw credentialRefused(
        error.cause,
        "Entra ID refused the Entra token function's credential",
      );
    throw error;
  }
  const token = withoutBearerPrefix(answer);
  if (token === '') {
    // `Bearer ` alone is a blank token with the header's word in front: sent, it was
    // `Authorization: Bearer Bearer`, a fatal 401 that read as a bad token
    throw new ConfigurationError(
      'CREDENTIAL_FAILED',
      'The Entra token function returned an empty string (only a `Bearer ` prefix), not an Entra token.',
    );
  }
  return token;
}

/**
 * `token` without a leading `Bearer ` (any letter case), or as it is; `''` for the prefix alone
 * (`'Bearer'`, `'Bearer '`), which is a blank token, not one named "Bearer".
 */
export function withoutBearerPrefix(token: string): string {
  const match = /^bearer(?:\s+(.*)|\s*)$/i.exec(token);
  return match === null ? token : (match[1] ?? '').trim();
}

/**
 * The `name` `@azure/identity` gives the error of a credential that cannot work on this host (no
 * managed identity, no signed-in Azure CLI, no environment variables): matched by name, as that
 * package is no dependency of this one.
 */
const UNAVAILABLE = 'CredentialUnavailableError';

/**
 * Whether a credential's failure cannot pass by asking again: `@azure/identity`'s
 * `CredentialUnavailableError`, or the `AggregateAuthenticationError` a chain
 * (`DefaultAzureCredential`) throws when every credential in it was unavailable. Retried, it
 * failed alike for every reconnect attempt (half a minute) before the session ended.
 */
export function isCredentialUnavailable(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === UNAVAILABLE) return true;
  const errors = (error as { errors?: unknown } | null)?.errors;
  return (
    name === 'AggregateAuthenticationError' &&
    Array.isArray(errors) &&
    errors.length > 0 &&
    errors.every((e) => (e as { name?: unknown } | null)?.name === UNAVAILABLE)
  );
}

/**
 * Whether Entra ID refused the credential itself: `@azure/identity`'s `AuthenticationError` with
 * HTTP 400 or 401 (`invalid_client`, a wrong client secret, tenant or app id: AADSTS7000215,
 * AADSTS700016, …). Asked again, it answers the same; a 429 or 5xx, or no status (the token
 * endpoint unreachable), may pass and is retried.
 */
export function isCredentialRefused(error: unknown): boolean {
  const e = error as { name?: unknown; statusCode?: unknown } | null;
  return e?.name === 'AuthenticationError' && (e.statusCode === 400 || e.statusCode === 401);
}

/** The fatal `CREDENTIAL_FAILED` of a credential Entra ID refused (see {@link isCredentialRefused}). */
function credentialRefused(cause: unknown, what: string): ConfigurationError {
  const status = String((cause as { statusCode?: unknown }).statusCode);
  return new ConfigurationError(
    'CREDENTIAL_FAILED',
    `${what} (AuthenticationError, HTTP ${status}), and trying again cannot help: check the credential's client id, secret or certificate and tenant; see the error's cause.`,
    { cause },
  );
}

/** The fatal `CREDENTIAL_FAILED` of a credential that cannot work here. */
function unavailable(cause: unknown, what: string): ConfigurationError {
  const name = String((cause as { name?: unknown }).name);
  return new ConfigurationError(
    'CREDENTIAL_FAILED',
    `${what} on this host (${name}), and trying again cannot help. Give it an identity to find (a managed identity, \`az login\`, the AZURE_* environment variables) or pass another credential; see the error's cause.`,
    { cause },
  );
}
