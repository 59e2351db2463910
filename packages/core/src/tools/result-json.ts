/**
 * The JSON text of a tool result. `JSON.stringify` alone turns a Map, a Set, an Error or a class
 * with private fields into `{}`, which tells the model the tool returned nothing useful while
 * nobody hears that anything went wrong. Here such values get their obvious JSON form, and what
 * has none is refused with a `ToolError('UNSERIALIZABLE_RESULT')` naming where it is
 * (`result.items[2]`).
 *
 * Plain data (objects, arrays, strings, numbers, `toJSON` values such as Dates) takes one native
 * `JSON.stringify` pass with a replacer that only checks types; the first value it does not know
 * sends the whole result to a slower walk that converts it and tracks paths.
 * @module
 */
import { ToolError } from './errors.js';
import { describeError } from './failure-text.js';

/**
 * Whether `value` is an Error, also one of another realm (a `vm` context, an iframe), where
 * `instanceof Error` is false.
 */
export function isError(value: unknown): value is Error {
  return value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';
}

/**
 * `result` as JSON text (`result` is not `undefined`).
 * @throws ToolError `UNSERIALIZABLE_RESULT`, with `data.path`, when some part has no JSON form
 */
export function resultJson(result: unknown): string {
  try {
    const text = JSON.stringify(result, plainOnly);
    if (text !== undefined) return text;
  } catch {
    // an unknown value (thrown below), a cycle, a toJSON that threw: the walk converts it, or
    // throws an error that says where the problem is
  }
  return JSON.stringify(convert(result, '', 'result', 'top', [], [])) as string;
}

// thrown (not an Error: no stack is captured) to leave the fast pass
const NOT_PLAIN: unique symbol = Symbol('not plain');

// the fast pass's replacer: lets plain data through unchanged, as JSON.stringify would write it
function plainOnly(this: unknown, _key: string, value: unknown): unknown {
  switch (typeof value) {
    case 'object': {
      if (value === null || Array.isArray(value)) return value;
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto === Object.prototype || proto === null) return value;
      throw NOT_PLAIN;
    }
    case 'function':
    case 'symbol':
      // an object drops them (behaviour, not data), as JSON does; in an array JSON would write
      // a misleading null, and at the top there is no text at all
      if (Array.isArray(this)) throw NOT_PLAIN;
      return value;
    case 'bigint':
      throw NOT_PLAIN;
    default:
      return value;
  }
}

// a value an object leaves out (undefined, a function), as JSON.stringify does
const OMIT: unique symbol = Symbol('omit');

type Place = 'top' | 'array' | 'object';

function unserializable(path: string, what: string, cause?: unknown): ToolError {
  return new ToolError('UNSERIALIZABLE_RESULT', `${path} ${what}`, { cause, data: { path } });
}

// the slow walk: `value` (under `key` of its holder, at `path`) as a JSON-ready value, following
// JSON.stringify's rules where they lose nothing; `stack` holds the objects being converted
// (and `paths` theirs) to name a cycle
function convert(
  input: unknown,
  key: string,
  path: string,
  place: Place,
  stack: object[],
  paths: string[],
): unknown {
  let value = input;
  if ((typeof value === 'object' && value !== null) || typeof value === 'bigint') {
    const toJSON: unknown = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      try {
        value = toJSON.call(value, key) as unknown;
      } catch (error) {
        throw new ToolError(
          'UNSERIALIZABLE_RESULT',
          `${path}'s toJSON() threw: ${describeError(error)}`,
          { cause: error, data: { path } },
        );
      }
    }
  }
  switch (typeof value) {
    case 'undefined':
      if (place === 'top') throw unserializable(path, 'is undefined (from its toJSON())');
      return OMIT;
    case 'function':
    case 'symbol':
      if (place === 'object') return OMIT;
      throw unserializable(path, `is a ${typeof value}, which has no JSON form`);
    case 'bigint':
      throw unserializable(
        path,
        'is a bigint, which has no JSON form: return it as a string or a number',
      );
    case 'object':
      break;
    default:
      return value;
  }
  if (value === null) return null;
  const seen = stack.indexOf(value);
  if (seen >= 0) throw unserializable(path, `refers back to ${paths[seen]!} (a cycle)`);
  stack.push(value);
  paths.push(path);
  try {
    return convertObject(value, path, stack, paths);
  } finally {
    stack.pop();
    paths.pop();
  }
}

function convertObject(value: object, path: string, stack: object[], paths: string[]): unknown {
  const item = (v: unknown, i: number, at: string) => {
    const converted = convert(v, String(i), at, 'array', stack, paths);
    return converted === OMIT ? null : converted;
  };
  if (Array.isArray(value)) return value.map((v: unknown, i) => item(v, i, `${path}[${i}]`));
  // JSON unwraps boxed primitives
  if (value instanceof Number || value instanceof String || value instanceof Boolean)
    return value.valueOf();
  if (value instanceof Set)
    return [...(value as Set<unknown>)].map((v, i) => item(v, i, `${path}[${i}]`));
  if (value instanceof Map) return mapObject(value as Map<unknown, unknown>, path, stack, paths);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    if (value instanceof BigInt64Array || value instanceof BigUint64Array)
      throw unserializable(path, `is a ${typeName(value)} of bigints, which have no JSON form`);
    return Array.from(value as unknown as ArrayLike<number>);
  }
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  if (isError(value)) {
    // name and message are inherited or not enumerable: JSON would write only the own fields
    out['name'] = String(value.name);
    out['message'] = String(value.message);
  } else if (!isPlain(value)) {
    const hint = unlike(value);
    if (hint !== undefined) throw unserializable(path, hint);
  }
  for (const key of Object.keys(value)) {
    const converted = convert(
      (value as Record<string, unknown>)[key],
      key,
      `${path}${member(key)}`,
      'object',
      stack,
      paths,
    );
    if (converted !== OMIT) out[key] = converted;
  }
  if (isError(value) && value.cause !== undefined) {
    const cause = convert(value.cause, 'cause', `${path}.cause`, 'object', stack, paths);
    if (cause !== OMIT) out['cause'] = cause;
  }
  return out;
}

// a Map with string or number keys as an object (a null prototype: a "__proto__" key is data)
function mapObject(
  map: Map<unknown, unknown>,
  path: string,
  stack: object[],
  paths: string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, entry] of map) {
    if (typeof key !== 'string' && typeof key !== 'number') {
      const type = key === null ? 'null' : typeof key;
      throw unserializable(
        path,
        `has a key of type ${type}: only a Map with string or number keys has a JSON form (an object)`,
      );
    }
    const name = String(key);
    if (Object.hasOwn(out, name))
      throw unserializable(path, `has two keys that both become "${name}" in JSON`);
    const at = `${path}.get(${typeof key === 'string' ? JSON.stringify(key) : name})`;
    const converted = convert(entry, name, at, 'object', stack, paths);
    if (converted !== OMIT) out[name] = converted;
  }
  return out;
}

function isPlain(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

// why an object that is not plain data has no JSON form, or undefined when its own fields are it
function unlike(value: object): string | undefined {
  const name = typeName(value);
  if (typeof (value as { then?: unknown }).then === 'function')
    return `is a ${name}: await it in the tool and return its value`;
  if (value instanceof ArrayBuffer || value instanceof DataView)
    return `is ${article(name)} ${name}: binary data has no JSON form (return base64 text, or a typed array for its numbers)`;
  // fields on the prototype (getters), private (#) fields, internal slots (WeakMap,
  // URLSearchParams): JSON.stringify would write `{}`
  if (Object.keys(value).length === 0)
    return `is ${article(name)} ${name} with no public fields: JSON would write it as {}. Return plain data, or give the class a toJSON() method`;
  return undefined;
}

function typeName(value: object): string {
  const ctor: unknown = (value as { constructor?: unknown }).constructor;
  if (typeof ctor === 'function' && ctor.name) return ctor.name;
  return Object.prototype.toString.call(value).slice(8, -1);
}

// `an Account`, `a URLSearchParams`, `a Uint8Array`
const article = (name: string): string => (/^[aeio]/i.test(name) ? 'an' : 'a');

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

// `.key`, or `["odd key"]` when the key is no identifier
const member = (key: string): string =>
  IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
