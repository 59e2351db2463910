/**
 * How the fake judges the key a client authenticates with, the same for a WebSocket handshake
 * and a WebRTC call's SDP exchange: the configured standard key, a client secret this server
 * minted (live or expired), or any other key.
 * @module
 */
import { Errors, type ServerErrorBody } from './error-catalog.js';

/** What the key is judged against. */
export interface KeyPolicy {
  /**
   * The only standard key accepted.
   * @default undefined (any non-empty key)
   */
  readonly apiKey?: string | undefined;
  /**
   * Whether an `ek_…` key is a secret the server minted (`'live'`, `'expired'`) or not.
   * @default undefined (no secret is minted)
   */
  readonly clientSecret?: ((key: string) => 'live' | 'expired' | undefined) | undefined;
}

/**
 * The verdict on a key: `error` (the API's body) when refused; else `secret` when it is a live
 * minted secret (`ek_…`) and `ephemeral` allows those (GA paths only: the preview path predates
 * `client_secrets`).
 */
export function judgeKey(
  key: string | undefined,
  policy: KeyPolicy,
  ephemeral: boolean,
): { readonly error?: ServerErrorBody; readonly secret?: string } {
  if (!key) return { error: Errors.missingAuth() };
  if (key === policy.apiKey) return {};
  const invalid = { error: Errors.invalidApiKey(key) };
  if (ephemeral && key.startsWith('ek_')) {
    const state = policy.clientSecret?.(key);
    if (state === 'live') return { secret: key };
    // protocol.md does not record what the API answers for an expired secret: the fake
    // refuses it as a wrong key (invalid_api_key), even with no `apiKey` set
    if (state === 'expired') return invalid;
  }
  return policy.apiKey !== undefined ? invalid : {};
}
