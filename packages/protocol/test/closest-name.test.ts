import { describe, expect, it } from 'vitest';
import { closestName, unknownOption } from '../src/closest-name.js';

describe('closestName', () => {
  const known = ['response_done', 'response_created', 'error', 'closed'];

  it('names the known name a typo was meant to be', () => {
    expect(closestName('respone_done', known)).toBe('response_done');
    expect(closestName('response.done', known)).toBe('response_done');
    expect(closestName('eror', known)).toBe('error');
  });

  it('names nothing for a name that is no typo of any', () => {
    expect(closestName('input_speech_started', known)).toBeUndefined();
    expect(closestName('', known)).toBeUndefined();
    expect(closestName('x', [])).toBeUndefined();
  });
});

describe('unknownOption', () => {
  const known = new Set(['baseURL', 'apiKey', 'model']);

  it('finds the first key that is no option, and the option it was meant to be', () => {
    expect(unknownOption({ model: 'm', baseUrl: 'x' }, known)).toEqual({
      name: 'baseUrl',
      near: 'baseURL',
    });
    expect(unknownOption({ apikey: 'k' }, known)).toEqual({ name: 'apikey', near: 'apiKey' });
    expect(unknownOption({ bogus: 1 }, known)).toEqual({ name: 'bogus', near: undefined });
  });

  it('passes known keys and keys left undefined (a spread config)', () => {
    expect(unknownOption({ model: 'm', apiKey: 'k' }, known)).toBeUndefined();
    expect(unknownOption({ model: 'm', extra: undefined }, known)).toBeUndefined();
    expect(unknownOption({}, known)).toBeUndefined();
  });
});
