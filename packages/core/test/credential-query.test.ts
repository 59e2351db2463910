import { describe, expect, it } from 'vitest';
import { credentialQueryValues, isCredentialQueryParam, redact } from '../src/index.js';

describe('credential query parameters (the rule node and the browser transport share)', () => {
  it('names that carry credentials, in any case; ordinary names are not', () => {
    for (const name of ['api-key', 'subscription-key', 'Subscription-Key', 'sig', 'code', 'pwd'])
      expect(isCredentialQueryParam(name), name).toBe(true);
    for (const name of ['access_token', 'clientSecret', 'password', 'X-Auth'])
      expect(isCredentialQueryParam(name), name).toBe(true);
    for (const name of ['model', 'deployment', 'api-version', 'intent', 'call_id', 'signed'])
      expect(isCredentialQueryParam(name), name).toBe(false);
  });

  it('values as sent and decoded, without the ? and without empty values', () => {
    expect(credentialQueryValues('?model=m&subscription-key=a%2Bb%3D&key=&sig=zz')).toEqual([
      'a%2Bb%3D',
      'a+b=',
      'zz',
      'zz',
    ]);
    expect(credentialQueryValues('model=m&api-key=k1')).toEqual(['k1', 'k1']);
    expect(credentialQueryValues('')).toEqual([]);
    // `+` is a space as URLSearchParams reads it; a malformed escape is kept as sent
    expect(credentialQueryValues('?token=a+b&sig=%ZZ')).toEqual(['a+b', 'a b', '%ZZ', '%ZZ']);
  });
});

describe('redact (the replacement node and the browser transport share)', () => {
  it('replaces every occurrence of each secret, in the order given, and leaves other text', () => {
    expect(redact('key=abcd1234 again abcd1234', ['abcd1234'])).toBe(
      'key=[REDACTED] again [REDACTED]',
    );
    // the order matters: a key inside its subprotocol goes with it when the longer comes first
    const protocol = 'openai-insecure-api-key.sk-1234';
    expect(redact(`refused ${protocol}`, [protocol, 'sk-1234'])).toBe('refused [REDACTED]');
    expect(redact(`refused ${protocol}`, ['sk-1234', protocol])).toBe(
      'refused openai-insecure-api-key.[REDACTED]',
    );
    expect(redact('nothing here', ['abcd1234'])).toBe('nothing here');
    expect(redact('nothing here', [])).toBe('nothing here');
  });
});
