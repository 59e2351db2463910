/**
 * What the standard-WebSocket transport keeps out of close reasons: a browser's credentials
 * travel in the URL's query (`api-key=`, an APIM gateway's `subscription-key=`) or in a
 * subprotocol (`openai-insecure-api-key.<key>`), and a gateway's close reason may quote the
 * request it refused. The reason reaches the session's events and logs.
 * @module
 */

/**
 * Query parameter names that look like they carry a credential: a key, token, secret, signature
 * or password in any spelling, an APIM gateway's `subscription-key`, a SAS `sig`, an Azure
 * Functions `code`, a `pwd`. Matched on the whole name, case-insensitively; masking a harmless
 * value costs a word in a message, missing a key puts it in every log.
 */
const SECRET_QUERY_NAME =
  /^(?:sig|code|pwd|.*(?:key|token|secret|auth|passw|signature|credential|cookie|subscription).*)$/i;

/** Whether a URL query parameter's value is a credential, by its name (case-insensitive). */
export function isCredentialQueryParam(name: string): boolean {
  return SECRET_QUERY_NAME.test(name);
}

/**
 * The values of the {@link isCredentialQueryParam} parameters of a URL's `search` (`?a=1&…`),
 * both as the URL carries them (percent-encoded) and decoded, since a server may echo either.
 * Empty values are left out.
 */
export function credentialQueryValues(search: string): string[] {
  const out: string[] = [];
  for (const pair of search.replace(/^\?/, '').split('&')) {
    const at = pair.indexOf('=');
    if (at < 0) continue;
    const raw = pair.slice(at + 1);
    if (isCredentialQueryParam(decodeQueryPart(pair.slice(0, at))))
      out.push(raw, decodeQueryPart(raw));
  }
  return out.filter((secret) => secret !== '');
}

/** A query name or value as `URLSearchParams` reads it (`+` is a space); as sent when malformed. */
function decodeQueryPart(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** The subprotocol a browser sends its key in. */
const KEY_SUBPROTOCOL = /^openai-insecure-api-key\.(.+)$/;

/** Secrets shorter than this are not redacted: replacing "a" shreds a message, protects nothing. */
const MIN_SECRET_LENGTH = 4;

/**
 * The credentials inside a WebSocket URL and its subprotocols: credential-like query values (as
 * the URL carries them and decoded: a server may echo either) and key subprotocols (whole, and
 * the key alone). An unparsable URL gives none (the socket refuses it before any close reason).
 */
export function secretsOfRequest(url: string, protocols: readonly string[]): string[] {
  let search = '';
  try {
    search = new URL(url).search;
  } catch {
    // no query to read
  }
  const out = credentialQueryValues(search);
  for (const protocol of protocols) {
    const key = KEY_SUBPROTOCOL.exec(protocol)?.[1];
    if (key !== undefined) out.push(protocol, key);
  }
  // longest first, so that a key inside its subprotocol goes with it, not piecemeal
  return [...new Set(out)]
    .filter((secret) => secret.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
}

/**
 * `text` with every occurrence of each of `secrets` replaced by `[REDACTED]`, in the order given:
 * put the longer first when one may contain another (a key inside its subprotocol), or the
 * longer is left in pieces. No secret is checked for length here: leave out the very short ones
 * (replacing "a" shreds a message and protects nothing). Shared by this transport and
 * `@voxwire/node`'s redactor, so both mask the same way.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets)
    if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
  return out;
}
