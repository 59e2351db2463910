import { describe, expect, it } from 'vitest';
import { credentialQueryValues, isCredentialQueryParam } from '../src/index.js';

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
