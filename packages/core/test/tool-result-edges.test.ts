/**
 * Edge cases of a tool's outcome as text for the model: a result's `toJSON()` runs once even
 * when the slow walk takes over from the fast pass, a result nested too deeply is refused with
 * a shortened path instead of a stack overflow, and a thrown value that is not an Error (a Map,
 * a Set, a long string) is described by the result rules, bounded in length, as is an Error's
 * message (also of an Error from another realm, described as an Error).
 */
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ToolError } from '../src/tools/errors.js';
import { describeError } from '../src/tools/failure-text.js';
import { stringifyResult } from '../src/tools/outputs.js';
import { MAX_RESULT_DEPTH } from '../src/tools/result-json.js';
import { runToolsOnce as run } from './helpers.js';

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

/** `depth` nested objects `{ a: { a: … leaf } }`. */
function nested(depth: number, leaf: unknown, wrap = (inner: unknown): unknown => ({ a: inner })) {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = wrap(value);
  return value;
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

describe(`a result nested deeper than ${MAX_RESULT_DEPTH} levels`, () => {
  it('20,000 levels of plain data or of arrays around a Map: UNSERIALIZABLE_RESULT, a short path, the reason', () => {
    for (const value of [
      nested(20_000, 1),
      nested(20_000, new Map([['k', 1]]), (inner) => [inner]),
    ]) {
      const error = toolErrorOf(() => stringifyResult(value));
      expect(error.code).toBe('UNSERIALIZABLE_RESULT');
      expect(error.message).toMatch(new RegExp(`nested deeper than ${MAX_RESULT_DEPTH} levels`));
      const path = error.data['path'] as string;
      expect(path).toMatch(/^result(\.a|\[0\]){3}/);
      expect(path).toMatch(/levels/);
      expect(path.length).toBeLessThan(120);
      expect(error.message.length).toBeLessThan(300);
    }
  });

  it(`${MAX_RESULT_DEPTH} levels are written, with or without a Map; one more is refused either way`, () => {
    const plain = nested(MAX_RESULT_DEPTH - 1, { x: 1 });
    expect(stringifyResult(plain)).toBe(JSON.stringify(plain));
    const withMap = nested(MAX_RESULT_DEPTH - 1, new Map([['x', 1]]));
    expect(stringifyResult(withMap)).toBe(JSON.stringify(plain));
    for (const value of [nested(MAX_RESULT_DEPTH, { x: 1 }), nested(MAX_RESULT_DEPTH, new Set())])
      expect(toolErrorOf(() => stringifyResult(value)).message).toMatch(/nested deeper/);
  });

  it('any problem deep down is named by a path without its middle', () => {
    const error = toolErrorOf(() => stringifyResult(nested(500, { n: 1n })));
    expect(error.data['path']).toBe('result.a.a.a …495 more levels… .a.a.n');
    expect(error.message).toMatch(/^result\.a\.a\.a …495 more levels… \.a\.a\.n is a bigint/);
  });

  it('answers the call unserializable_result naming the path, through a session', async () => {
    const { finished, outputs } = await run([{ name: 'deep', execute: () => nested(20_000, 1) }]);
    expect(finished[0]?.error).toMatchObject({
      kind: 'unserializable_result',
      cause: { code: 'UNSERIALIZABLE_RESULT', data: { path: expect.stringMatching(/^result/) } },
    });
    expect(outputs[0]).toMatch(
      /^Error: the result of deep could not be converted to text: result\.a\.a.*nested deeper/,
    );
  });
});

describe('a thrown value that is not an Error', () => {
  it('a Map, a Set and a class with toJSON are described as their JSON forms', () => {
    expect(describeError(new Map<string, unknown>([['code', 42]]))).toBe('{"code":42}');
    expect(describeError(new Set(['a', 'b']))).toBe('["a","b"]');
    expect(describeError({ reason: 'quota', tags: new Set(['x']) })).toBe(
      '{"reason":"quota","tags":["x"]}',
    );
  });

  it('what has no JSON form falls back to its tag, never throws', () => {
    class Secret {
      readonly #x = 1;
      get x() {
        return this.#x;
      }
    }
    expect(describeError(new Secret())).toBe('[object Object]');
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(describeError(cyclic)).toBe('[object Object]');
    expect(describeError(new Map([[{}, 1]]))).toBe('[object Map]');
  });

  it('is bounded in length (a long string, a big Map)', () => {
    const text = describeError('x'.repeat(100_000));
    expect(text.length).toBeLessThanOrEqual(1_000);
    // the cut says how much was left out: what is kept and what is not add up to the whole
    const [, kept, more] = /^(x+)… \((\d+) more characters\)$/.exec(text) ?? [];
    expect(kept!.length + Number(more)).toBe(100_000);
    const big = new Map(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, i]));
    const json = describeError(big);
    expect(json.length).toBeLessThanOrEqual(1_000);
    expect(json.startsWith('{"k0":0,"k1":1')).toBe(true);
  });

  it('the model hears the Map, not [object Map]', async () => {
    const { finished, outputs } = await run([
      {
        name: 'throws_map',
        execute: () => {
          throw new Map([['status', 503]]);
        },
      },
    ]);
    expect(outputs).toEqual(['Error: throws_map failed: {"status":503}']);
    expect(finished[0]?.error).toMatchObject({ kind: 'execution_error' });
  });
});

describe('a thrown Error', () => {
  it('a huge message is cut as a thrown value is, saying how much was left out', async () => {
    const message = `${'m'.repeat(1_000_000)}END`;
    const text = describeError(new Error(message));
    expect(text.length).toBeLessThanOrEqual(1_000);
    const [, kept, more] = /^(m+)… \((\d+) more characters\)$/.exec(text) ?? [];
    expect(kept!.length + Number(more)).toBe(message.length);
    // the name alone, for an Error without a message, is cut by the same rule
    const named = Object.assign(new Error(''), { name: 'N'.repeat(5_000) });
    expect(describeError(named).length).toBeLessThanOrEqual(1_000);
    const { outputs, finished } = await run([
      {
        name: 'throws_huge',
        execute: () => {
          throw new Error(message);
        },
      },
    ]);
    expect(outputs[0]!.startsWith('Error: throws_huge failed: mmm')).toBe(true);
    expect(outputs[0]!.length).toBeLessThan(1_100);
    expect(outputs[0]).toMatch(/… \(\d+ more characters\)/);
    // the app still gets the whole error
    expect(finished[0]?.error).toMatchObject({ kind: 'execution_error' });
    expect((finished[0]?.error?.cause as Error).message).toBe(message);
  });

  it('a cut never splits a character made of two UTF-16 units', () => {
    const text = describeError(new Error('😀'.repeat(10_000)));
    expect(text.length).toBeLessThanOrEqual(1_000);
    expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(text).toMatch(/^(😀)+… \(\d+ more characters\)$/);
  });

  it('an Error from another realm (a vm context) is described as an Error, not an object', async () => {
    const foreign = runInNewContext('new Error("x")') as Error;
    expect(foreign instanceof Error).toBe(false);
    expect(describeError(foreign)).toBe('x');
    const unnamed = runInNewContext('new TypeError("")') as Error;
    expect(describeError(unnamed)).toBe('TypeError');
    const huge = runInNewContext('new Error("y".repeat(50000))') as Error;
    expect(describeError(huge)).toMatch(/^y+… \(\d+ more characters\)$/);
    const { outputs } = await run([
      {
        name: 'throws_foreign',
        execute: () => {
          throw runInNewContext('new RangeError("out of range")');
        },
      },
    ]);
    expect(outputs).toEqual(['Error: throws_foreign failed: out of range']);
  });
});
