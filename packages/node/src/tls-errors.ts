/**
 * Which socket errors are TLS certificate failures, and what to tell the user about them. A
 * certificate that does not verify (self-signed, expired, wrong host, an unknown issuer) fails the
 * same way on every attempt: the session must stop with a clear reason, not back off and retry.
 * The codes are Node's (OpenSSL's X509 verification errors, and `ERR_TLS_CERT_ALTNAME_INVALID`
 * from Node's own host name check): https://nodejs.org/api/tls.html#x509-certificate-error-codes
 * @module
 */

// every X509 verification error Node documents except OUT_OF_MEM, which is no certificate fault
const CERTIFICATE_CODES: ReadonlySet<string> = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_CRL',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CRL_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CRL_NOT_YET_VALID',
  'CRL_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'ERROR_IN_CRL_LAST_UPDATE_FIELD',
  'ERROR_IN_CRL_NEXT_UPDATE_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The error's `code` when it is a TLS certificate verification failure, else `undefined`. */
export function certificateErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CERTIFICATE_CODES.has(code) ? code : undefined;
}

/**
 * A message for a certificate failure of `host`: what the code means and what to do. Never the
 * socket error's own message (it may quote the certificate's names at length).
 */
export function describeCertificateError(code: string, host: string): string {
  return (
    `The TLS certificate of ${host} was not accepted (${code}: ${meaning(code)}). ` +
    'Retrying cannot fix this. A TLS-intercepting proxy or antivirus: trust its CA with ' +
    'NODE_EXTRA_CA_CERTS=/path/to/ca.pem (or an agent with `ca`). Otherwise check the host name ' +
    'in the URL and the system clock.'
  );
}

function meaning(code: string): string {
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return 'the server sent a self-signed certificate';
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return 'a self-signed certificate in the chain, typical of a TLS-intercepting proxy';
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return 'the certificate was issued by a CA this process does not trust';
    case 'CERT_HAS_EXPIRED':
      return 'the certificate has expired, or the system clock is wrong';
    case 'CERT_NOT_YET_VALID':
      return 'the certificate is not valid yet, or the system clock is wrong';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
    case 'HOSTNAME_MISMATCH':
      return 'the certificate is for another host name';
    case 'CERT_REVOKED':
      return 'the certificate was revoked';
    default:
      return 'the certificate chain did not verify';
  }
}

/**
 * True when a socket error says the server answered the TLS ClientHello with something that is
 * not TLS (OpenSSL's "wrong version number"): a `wss:` URL pointed at a plain `ws:`/`http:` port.
 * Node reports it as `ERR_SSL_WRONG_VERSION_NUMBER` or, on a write (Node 20), as `EPROTO` whose
 * message carries OpenSSL's reason; any other `EPROTO` is left a retriable network error.
 */
export function isPlaintextServerError(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (e?.code === 'ERR_SSL_WRONG_VERSION_NUMBER') return true;
  return (
    e?.code === 'EPROTO' && typeof e.message === 'string' && /wrong version number/i.test(e.message)
  );
}

/** The message for {@link isPlaintextServerError}: what happened and what to do. */
export function describePlaintextServer(host: string): string {
  return (
    `Could not connect: the server at ${host} does not speak TLS (it answered the TLS handshake ` +
    `in plain text). Use ws://${host} for a local server, or check the port; retrying cannot fix this.`
  );
}
