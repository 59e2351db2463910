import { describe, expect, it } from 'vitest';
import { parseRetryAfter, refusalMessage, retryAfterOf } from '../src/index.js';

describe('reading an HTTP refusal', () => {
  it('Retry-After: delay seconds or an HTTP date, never negative, undefined when unreadable', () => {
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter('0.25', 0)).toBe(250);
    expect(parseRetryAfter('-4', 0)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 4000)).toBe(6000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 60_000)).toBe(0);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter('  ', 0)).toBeUndefined();
    expect(parseRetryAfter(null, 0)).toBeUndefined();
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
  });

  it("an HTTP date is read against the answer's own Date header, not this machine's clock", () => {
    // the server's clock says 00:00:04; this machine's is decades later: 6 s either way
    expect(retryAfterOf('Thu, 01 Jan 1970 00:00:10 GMT', 'Thu, 01 Jan 1970 00:00:04 GMT')).toBe(
      6000,
    );
    expect(retryAfterOf('7', null)).toBe(7000);
    // no Date header: the wall clock, so a date long past waits nothing
    expect(retryAfterOf('Thu, 01 Jan 1970 00:00:10 GMT', undefined)).toBe(0);
    expect(retryAfterOf(null, 'Thu, 01 Jan 1970 00:00:04 GMT')).toBeUndefined();
  });

  it("a body's message: the API's error.message, a string error, a message, else the text", () => {
    expect(refusalMessage('{"error":{"message":"Incorrect API key provided","code":"x"}}')).toBe(
      'Incorrect API key provided',
    );
    expect(refusalMessage('{"error":"Unauthorized"}')).toBe('Unauthorized');
    expect(refusalMessage('{"message":"Too many requests"}')).toBe('Too many requests');
    expect(refusalMessage('  <html>\n  Bad   gateway </html> ')).toBe('<html> Bad gateway </html>');
    expect(refusalMessage('{"error":{"code":1}}')).toBe('{"error":{"code":1}}');
    expect(refusalMessage('   ')).toBe('');
  });
});
