/**
 * A base URL that does not parse: the `INVALID_URL` error's cause is a redacted copy of the
 * parse error, not Node's own (which keeps the whole input, a gateway's `subscription-key=…`
 * with it, as `input`), for the WebSocket connectors as for client secrets.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../src/errors.js';
import { toWebSocketUrl } from '../src/url.js';

const GATEWAY_KEY = 'gw-0123456789abcdef';

describe('toWebSocketUrl with a base URL that does not parse', () => {
  it('keeps no credential query value in the error or its cause', () => {
    const base = `https://exa mple.com:99999/v1?subscription-key=${GATEWAY_KEY}`;
    let caught: unknown;
    try {
      toWebSocketUrl(base);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigurationError);
    expect((caught as ConfigurationError).code).toBe('INVALID_URL');
    const cause = (caught as Error).cause as Error & { code?: unknown };
    expect(cause).toBeInstanceOf(Error);
    expect(cause.code).toBe('ERR_INVALID_URL');
    expect(inspect(caught, { depth: 20 })).not.toContain(GATEWAY_KEY.slice(0, 8));
  });
});
