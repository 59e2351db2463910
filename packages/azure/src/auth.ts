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
 * token. A JWT never starts with that word.
 */
export async function resolveToken(provider: TokenProvider): Promise<string> {
  return withoutBearerPrefix(await resolveSecret(provider, 'Entra token'));
}

/** `token` without a leading `Bearer ` (any letter case), or as it is. */
export function withoutBearerPrefix(token: string): string {
  const match = /^bearer\s+(\S.*)$/i.exec(token);
  return match?.[1] ?? token;
}
