/**
 * What a tool's return value becomes in its `function_call_output`, through a session against the
 * fake server: values whose plain `JSON.stringify` form is `{}` (a Map, a Set, an Error, a class
 * with private fields) reach the model as data or as a clear `unserializable_result` naming the
 * path, never as an empty object; a returned Error fails the call as a throw does.
 */
import { describe, expect, it } from 'vitest';
import type { SessionTool } from '../src/features/builtins.js';
import { VoxwireError } from '../src/errors.js';
import { stringifyResult } from '../src/tools/outputs.js';
import { runToolsOnce as run } from './helpers.js';

const tool = (name: string, result: () => unknown): SessionTool => ({ name, execute: result });

class Account {
  readonly #balance = 12;
  /** A getter on the prototype: JSON.stringify sees no own field. */
  get balance(): number {
    return this.#balance;
  }
}

describe('tool results with an obvious JSON form', () => {
  it('a Map with string or number keys becomes an object, a Set an array, a typed array an array, nested ones too', async () => {
    const { finished, outputs } = await run([
      tool(
        'map',
        () =>
          new Map<string, unknown>([
            ['Oslo', 21],
            ['Bergen', { rain: true }],
          ]),
      ),
      tool(
        'numeric_map',
        () =>
          new Map([
            [1, 'one'],
            [2, 'two'],
          ]),
      ),
      tool('set', () => new Set(['a', 'b'])),
      tool('nested', () => ({
        tags: new Set([1, 2]),
        bytes: new Uint8Array([7, 8]),
        at: new Date(0),
      })),
    ]);
    expect(finished.map((f) => f.error)).toEqual([undefined, undefined, undefined, undefined]);
    expect(outputs).toEqual([
      '{"Oslo":21,"Bergen":{"rain":true}}',
      '{"1":"one","2":"two"}',
      '["a","b"]',
      '{"tags":[1,2],"bytes":[7,8],"at":"1970-01-01T00:00:00.000Z"}',
    ]);
    // the app still gets the value the tool returned
    expect(finished[0]?.result).toBeInstanceOf(Map);
  });

  it('an object with toJSON keeps it, also a class instance', async () => {
    class Money {
      readonly #cents = 1250;
      toJSON() {
        return { amount: this.#cents / 100, currency: 'EUR' };
      }
    }
    const { outputs } = await run([tool('money', () => ({ total: new Money() }))]);
    expect(outputs).toEqual(['{"total":{"amount":12.5,"currency":"EUR"}}']);
  });

  it('a nested Error becomes { name, message } with its own fields and cause, never {}', async () => {
    const notFound = Object.assign(new RangeError('no such order', { cause: new Error('db') }), {
      code: 'E_NOT_FOUND',
    });
    const { finished, outputs } = await run([
      tool('results', () => ({ ok: [1], failed: [notFound] })),
    ]);
    expect(finished[0]?.error).toBeUndefined();
    expect(JSON.parse(outputs[0]!)).toEqual({
      ok: [1],
      failed: [
        {
          name: 'RangeError',
          message: 'no such order',
          code: 'E_NOT_FOUND',
          cause: { name: 'Error', message: 'db' },
        },
      ],
    });
  });

  it('plain data comes out exactly as JSON.stringify gives it (undefined fields dropped, undefined in arrays null)', async () => {
    const value = { a: 1, b: 'x', c: [true, null, undefined], d: undefined, e: { f: [] } };
    const { outputs } = await run([tool('plain', () => value), tool('text', () => 'as is')]);
    expect(outputs).toEqual([JSON.stringify(value), 'as is']);
  });
});

describe('a returned Error fails the call as a throw does', () => {
  it('the model hears it failed with the message and the app gets an execution_error', async () => {
    const cause = new Error('order 42 not found');
    const { finished, outputs, errors } = await run([
      tool('returns_error', () => cause),
      tool('rejects_error', () => Promise.resolve(new TypeError('bad id'))),
      tool('throws_error', () => {
        throw new Error('order 42 not found');
      }),
    ]);
    expect(outputs).toEqual([
      'Error: returns_error failed: order 42 not found',
      'Error: rejects_error failed: bad id',
      'Error: throws_error failed: order 42 not found',
    ]);
    expect(finished[0]).toMatchObject({
      error: { kind: 'execution_error', message: 'order 42 not found', cause },
    });
    expect(finished[0]).not.toHaveProperty('result');
    expect(finished[1]?.error?.kind).toBe('execution_error');
    expect(errors).toEqual([]);
  });
});

describe('what has no JSON form is an unserializable_result naming where it is', () => {
  it('never turns a value into {}: each case names its path', async () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = { back: cyclic };
    const selfMap = new Map<string, unknown>();
    selfMap.set('me', selfMap);
    const cases: [string, () => unknown, RegExp][] = [
      [
        'object_keys',
        () => ({ m: new Map([[{ id: 1 }, 'x']]) }),
        /result\.m has a key of type object/,
      ],
      ['bigint', () => ({ items: [1, 2, 3n] }), /result\.items\[2\] is a bigint/],
      ['cycle', () => cyclic, /result\.self\.back refers back to result/],
      ['map_cycle', () => selfMap, /result\.get\("me"\) refers back to result/],
      ['fn_in_array', () => ({ items: ['a', () => 1] }), /result\.items\[1\] is a function/],
      [
        'private',
        () => ({ account: new Account() }),
        /result\.account is an Account with no public fields/,
      ],
      ['promise', () => ({ data: Promise.resolve(1) }), /result\.data is a Promise/],
      ['buffer', () => [new ArrayBuffer(4)], /result\[0\] is an ArrayBuffer/],
      [
        'weird_key',
        () => ({ 'a b': { c: [new WeakMap()] } }),
        /result\["a b"\]\.c\[0\] is a WeakMap/,
      ],
      [
        'colliding_keys',
        () =>
          new Map<unknown, number>([
            [1, 1],
            ['1', 2],
          ]),
        /result has two keys that both become "1"/,
      ],
      ['symbol', () => Symbol('s'), /result is a symbol/],
    ];
    const { finished, outputs } = await run(cases.map(([name, result]) => tool(name, result)));
    expect(finished.map((f) => f.error?.kind)).toEqual(cases.map(() => 'unserializable_result'));
    cases.forEach(([name, , pattern], i) => {
      expect(outputs[i]).toMatch(
        new RegExp(`^Error: the result of ${name} could not be converted to text: `),
      );
      expect(outputs[i]).toMatch(pattern);
      expect(finished[i]?.error?.cause).toBeInstanceOf(VoxwireError);
      expect(finished[i]?.error?.cause).toMatchObject({
        code: 'UNSERIALIZABLE_RESULT',
        data: { path: expect.stringMatching(/^result/) },
      });
    });
  });

  it('a toJSON that throws is named with its path and kept as the cause', async () => {
    const boom = new Error('toJSON bug');
    const { finished, outputs } = await run([
      tool('bad_to_json', () => ({
        x: [
          {
            toJSON: () => {
              throw boom;
            },
          },
        ],
      })),
    ]);
    expect(outputs[0]).toMatch(/result\.x\[0\]'s toJSON\(\) threw: toJSON bug$/);
    expect(finished[0]?.error).toMatchObject({
      kind: 'unserializable_result',
      cause: { code: 'UNSERIALIZABLE_RESULT', cause: boom },
    });
  });
});

describe('stringifyResult', () => {
  it('gives the same text as JSON.stringify for plain data, strings as is and undefined as null', () => {
    const plain = { a: [1, { b: 'c', d: null }], e: new Date(5), f: undefined, g: () => 1 };
    expect(stringifyResult(plain)).toBe(JSON.stringify(plain));
    expect(stringifyResult('text')).toBe('text');
    expect(stringifyResult(undefined)).toBe('null');
    expect(stringifyResult(Object.assign(Object.create(null) as object, { x: 1 }))).toBe('{"x":1}');
  });

  it('gives a top-level Error its { name, message } form (the runner fails the call before)', () => {
    expect(JSON.parse(stringifyResult(new Error('x')))).toEqual({ name: 'Error', message: 'x' });
  });
});
