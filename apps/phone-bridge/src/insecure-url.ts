/**
 * A provider URL the connectors refuse, reworded in the bridge's terms. A URL without TLS: the
 * connectors refuse to send a key over plain `ws:`/`http:` to a host that is not loopback, and
 * their message says to "pass allowInsecureUrl: true", an option nobody running the bridge can
 * pass: VOXWIRE_ALLOW_INSECURE_URL=1 is that option (read in `config.ts`), and the refusal is
 * reworded to name it and the variable holding the URL. A URL that does not parse, or has
 * another scheme: their message ("The base URL does not parse as a URL.") names no variable, and
 * is reworded to name the one to fix. The playground has the same variable and the same
 * INSECURE_URL message, in its own copy of this file.
 * @module
 */
import { ConfigurationError } from '@voxwire/node';
import { ALLOW_INSECURE_URL_VARIABLE, ConfigError } from './config.js';

/** Scheme and host of `url`, never its path or query (a gateway's `?subscription-key=…`). */
function schemeAndHost(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return 'the URL given';
  }
}

/**
 * Runs `build` (which makes a connector or a calls client for the URL in `variable`), turning
 * the connectors' `INSECURE_URL` and `INVALID_URL` refusals into a {@link ConfigError} that
 * names `variable` and says what a user of the bridge can do about it (`main` exits 2 with it).
 * Any other error is thrown as is.
 */
export function explainInsecureUrl<T>(
  variable: string,
  url: string | undefined,
  build: () => T,
): T {
  try {
    return build();
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    // the connector's message, never the URL itself (a gateway's query may hold a key)
    if (error.code === 'INVALID_URL')
      throw new ConfigError(
        `${variable} is not a usable URL (wss:// or https://; ws:// or http:// to this machine): ${error.message}`,
      );
    if (error.code !== 'INSECURE_URL') throw error;
    throw new ConfigError(
      `${variable} (${schemeAndHost(url ?? '')}) has no TLS and is not a loopback host: the API key would cross the network in clear, so it is refused. Use a wss:// or https:// URL (or ws://localhost for a server on this machine); for a server on a private network you trust (a voxwire-fake-server in a container network, say), set ${ALLOW_INSECURE_URL_VARIABLE}=1`,
    );
  }
}
