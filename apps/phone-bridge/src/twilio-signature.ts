/**
 * Twilio's request signature (`X-Twilio-Signature`): the HMAC-SHA1, keyed with the account's auth
 * token, of the URL Twilio requested followed by each POST parameter's name and value, sorted by
 * name, in base64 (https://www.twilio.com/docs/usage/security#validating-requests). Without this
 * check anyone who learns the bridge's public URL can open calls on the provider key; Twilio signs
 * both the voice webhook and the Media Streams WebSocket handshake.
 * @module
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header Twilio signs its requests with. */
export const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';

/**
 * The signature Twilio sends for a request to `url` with the form `params` (none for a GET or a
 * WebSocket handshake).
 */
export function twilioSignature(
  authToken: string,
  url: string,
  params: URLSearchParams = new URLSearchParams(),
): string {
  const names = [...new Set(params.keys())].sort();
  let signed = url;
  for (const name of names) {
    // a repeated name signs each of its values, sorted, as Twilio's own validators do
    for (const value of params.getAll(name).sort()) signed += name + value;
  }
  return createHmac('sha1', authToken).update(signed, 'utf8').digest('base64');
}

/**
 * The forms of `url` Twilio may have signed: as given, and with its scheme's default port added
 * or removed (Twilio's validators accept both, since a proxy may drop or add it).
 */
function urlForms(url: string): string[] {
  const parsed = new URL(url);
  const defaultPort = parsed.protocol === 'https:' || parsed.protocol === 'wss:' ? '443' : '80';
  const path = parsed.pathname + parsed.search;
  const auth = parsed.username ? `${parsed.username}:${parsed.password}@` : '';
  const withPort = `${parsed.protocol}//${auth}${parsed.hostname}:${parsed.port || defaultPort}${path}`;
  const withoutPort = `${parsed.protocol}//${auth}${parsed.hostname}${path}`;
  const bare = parsed.port === '' || parsed.port === defaultPort;
  return bare ? [url, withPort, withoutPort] : [url];
}

/**
 * Whether `signature` is Twilio's for a request to one of `urls` (the same request seen through
 * different schemes: a handshake's `wss://` and `https://`) with `params`. Compared in constant
 * time; a missing or malformed signature is simply not valid.
 */
export function isValidTwilioSignature(
  authToken: string,
  signature: string | undefined,
  urls: readonly string[],
  params?: URLSearchParams,
): boolean {
  if (!signature) return false;
  const given = Buffer.from(signature, 'utf8');
  for (const url of urls) {
    for (const form of urlForms(url)) {
      const expected = Buffer.from(twilioSignature(authToken, form, params), 'utf8');
      if (expected.length === given.length && timingSafeEqual(expected, given)) return true;
    }
  }
  return false;
}
