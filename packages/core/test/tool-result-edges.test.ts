/**
 * Edge cases of a tool's outcome as text for the model: a result's `toJSON()` runs once even
 * when the slow walk takes over from the fast pass.
 */
import { describe, expect, it } from 'vitest';
import { ToolError } from '../src/tools/errors.js';
import { stringifyResult } from '../src/tools/outputs.js';

/** A value whose toJSON counts its calls and gives `out`. */
function counted(out: () => unknown) {
  const calls: string[] = [];
  return {
    calls,
    value: {
      toJSON(key: string) {
        calls.push(key);
        return out();
      },
    },
  };
}

/** The ToolError `fn` throws (fails the test when it throws nothing or something else). */
function toolErrorOf(fn: () => unknown): ToolError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ToolError);
    return error as ToolError;
  }
  throw new Error('expected a ToolError, nothing was thrown');
}

describe("a result's toJSON() runs once", () => {
  it('when a later part (a Map) sends the result to the slow walk', () => {
    const date = counted(() => 'noon');
    expect(stringifyResult({ at: date.value, totals: new Map([['eur', 12]]) })).toBe(
      '{"at":"noon","totals":{"eur":12}}',
    );
    expect(date.calls).toEqual(['at']);
  });

  it('at the top, and when its own output is what the fast pass cannot write', () => {
    const top = counted(() => new Set([1, 2]));
    expect(stringifyResult(top.value)).toBe('[1,2]');
    expect(top.calls).toEqual(['']);
    const inArray = counted(() => 'x');
    const error = toolErrorOf(() => stringifyResult([inArray.value, { n: 1n }]));
    expect(error.data).toMatchObject({ path: 'result[1].n' });
    expect(inArray.calls).toEqual(['0']);
  });

  it('also a toJSON that throws: the error names its path and keeps the cause', () => {
    const boom = new Error('not today');
    let calls = 0;
    const value = {
      ok: counted(() => 1).value,
      bad: {
        toJSON() {
          calls++;
          throw boom;
        },
      },
    };
    const error = toolErrorOf(() => stringifyResult(value));
    expect(error).toMatchObject({ code: 'UNSERIALIZABLE_RESULT', data: { path: 'result.bad' } });
    expect(error.cause).toBe(boom);
    expect(error.message).toMatch(/result\.bad's toJSON\(\) threw: not today/);
    expect(calls).toBe(1);
  });

  it('a value shared by two places gets one call for each, as JSON gives it', () => {
    const shared = counted(() => 'v');
    expect(stringifyResult({ a: shared.value, b: [shared.value], c: new Set() })).toBe(
      '{"a":"v","b":["v"],"c":[]}',
    );
    expect(shared.calls).toEqual(['a', '0']);
  });
});
