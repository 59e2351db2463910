/**
 * The JSON text of a tool result. `JSON.stringify` alone turns a Map, a Set, an Error or a class
 * with private fields into `{}`, which tells the model the tool returned nothing useful while
 * nobody hears that anything went wrong. Here such values get their obvious JSON form, and what
 * has none is refused with a `ToolError('UNSERIALIZABLE_RESULT')` naming where it is
 * (`result.items[2]`).
 *
 * Plain data (objects, arrays, strings, numbers, `toJSON` values such as Dates) takes one native
 * `JSON.stringify` pass with a replacer that only checks types; the first value it does not know
 * sends the whole result to a slower walk that converts it and tracks paths. The walk reuses what
 * the pass got from `toJSON()` calls: a `toJSON` runs once for each place its value is in, as
 * with `JSON.stringify`, however the result is written.
 * @module
 */
import { ToolError } from './errors.js';

/**
 * Whether `value` is an Error, also one of another realm (a `vm` context, an iframe), where
 * `instanceof Error` is false.
 */
export function isError(value: unknown): value is Error {
  return value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';
}

/**
 * The longest description of what a tool threw, in characters, cut marker included: an Error's
 * message as much as any other value. A tool may throw a whole payload, or an Error quoting one
 * (a 1 MB response body), and the model would read all of it.
 */
const MAX_THROWN_TEXT = 1000;

/**
 * What a tool threw (or an abort reason), as text for the model. It must never throw itself:
 * the round waits for every call, so one call whose failure cannot be described would leave the
 * whole response unanswered (the server waits for the outputs forever). An Error, also one of
 * another realm, gives its message (or, with none, its name); any other value is written as a
 * result would be (a Map as an object, a Set as an array: `String()` says only "[object Map]",
 * and throws for a null-prototype object), or by its tag when it has no JSON form. Either is cut
 * to {@link MAX_THROWN_TEXT} characters, the cut saying how many were left out.
 */
export function describeError(error: unknown): string {
  try {
    if (isError(error)) return capThrownText(String(error.message) || String(error.name));
    let text: string;
    if (typeof error === 'object' && error !== null) {
      try {
        text = resultJson(error);
        if (text === '{}') text = Object.prototype.toString.call(error);
      } catch {
        text = Object.prototype.toString.call(error);
      }
    } else text = String(error);
    return capThrownText(text);
  } catch {
    return Object.prototype.toString.call(error);
  }
}

/**
 * `text` cut to {@link MAX_THROWN_TEXT} characters with the marker included:
 * `…head… (123456 more characters)`, never splitting a surrogate pair.
 */
function capThrownText(text: string): string {
  if (text.length <= MAX_THROWN_TEXT) return text;
  // the marker with the whole length is at least as long as the one written: what is kept and
  // the marker then fit the limit together
  let kept = MAX_THROWN_TEXT - marker(text.length).length;
  const last = text.charCodeAt(kept - 1);
  if (last >= 0xd800 && last <= 0xdbff) kept--;
  return `${text.slice(0, kept)}${marker(text.length - kept)}`;
}

const marker = (more: number): string => `… (${more} more characters)`;

/**
 * How deeply a tool result may nest objects, arrays, Maps and Sets (the result itself is level
 * 1). Deeper results are refused (`UNSERIALIZABLE_RESULT`): past a few thousand levels both
 * `JSON.stringify` and the walk overflow the stack, a `RangeError` that says nothing of where,
 * and no model reads data that deep. Well below that, so a call from a deep stack still fits.
 */
export const MAX_RESULT_DEPTH = 1000;

/**
 * `result` as JSON text (`result` is not `undefined`).
 * @throws ToolError `UNSERIALIZABLE_RESULT`, with `data.path`, when some part has no JSON form or
 * the result nests deeper than {@link MAX_RESULT_DEPTH}
 */
export function resultJson(result: unknown): string {
  const fast = fastPass();
  try {
    const text = JSON.stringify(result, fast.replacer);
    if (text !== undefined) return text;
  } catch (error) {
    // an unknown value (NOT_PLAIN, below), a cycle, a toJSON that threw: the walk converts it,
    // or throws an error that says where the problem is
    if (error !== NOT_PLAIN) fast.stopped = { error };
  }
  const walk: Walk = { stack: [], paths: [], outputs: fast.outputs, stopped: fast.stopped };
  return JSON.stringify(convert(result, ROOT, '', 'result', 'top', walk)) as string;
}

// thrown (not an Error: no stack is captured) to leave the fast pass
const NOT_PLAIN: unique symbol = Symbol('not plain');

// the holder of the result itself in `outputs` (JSON.stringify's own wrapper is out of reach)
const ROOT: object = Object.freeze({});

/** The `toJSON()` outputs of a pass, by holder (an object or array, or ROOT) and key. */
type Outputs = Map<object, Map<string, unknown>>;

interface FastPass {
  /** The replacer of the native pass. */
  readonly replacer: (this: unknown, key: string, value: unknown) => unknown;
  /** What its `toJSON()` calls gave, for the walk. */
  readonly outputs: Outputs;
  /** The error that stopped it when not its own (a `toJSON` or a getter threw, a cycle). */
  stopped: { readonly error: unknown } | undefined;
}

// The native pass. JSON.stringify calls a value's toJSON before the replacer sees it, and a
// toJSON may be costly or have side effects: its output is kept (by holder and key, as JSON
// calls it once per place) so that the walk, when it takes over, does not call it again.
function fastPass(): FastPass {
  const outputs: Outputs = new Map();
  // the objects and arrays JSON is writing, outermost first: their count is the depth
  const open: object[] = [];
  let top = true;
  const replacer = function (this: unknown, key: string, value: unknown): unknown {
    // the first call's holder is JSON's wrapper `{ "": result }`, which the walk never sees
    const holder = top ? ROOT : (this as object);
    top = false;
    // JSON has finished what it opened after this holder (one comparison in the usual case)
    while (open.length > 0 && open[open.length - 1] !== holder) open.pop();
    const original: unknown = (this as Record<string, unknown>)[key];
    if (hasToJSON(original)) {
      let byKey = outputs.get(holder);
      if (byKey === undefined) outputs.set(holder, (byKey = new Map()));
      byKey.set(key, value);
    }
    const checked = plainOnly(this, value);
    if (typeof checked === 'object' && checked !== null) {
      // too deep: the walk names where
      if (open.length >= MAX_RESULT_DEPTH) throw NOT_PLAIN;
      open.push(checked);
    }
    return checked;
  };
  return { replacer, outputs, stopped: undefined };
}

function hasToJSON(value: unknown): boolean {
  return (
    ((typeof value === 'object' && value !== null) || typeof value === 'bigint') &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  );
}

// the fast pass's check: lets plain data through unchanged, as JSON.stringify would write it
function plainOnly(holder: unknown, value: unknown): unknown {
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
      if (Array.isArray(holder)) throw NOT_PLAIN;
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

function unserializable(walk: Walk, path: string, what: string, cause?: unknown): ToolError {
  const at = shortPath(walk.paths, path);
  return new ToolError('UNSERIALIZABLE_RESULT', `${at} ${what}`, { cause, data: { path: at } });
}

// segments kept at each end of a long path
const PATH_HEAD = 3;
const PATH_TAIL = 3;

/**
 * `path` (below the objects at `paths`, or the last of them) with its middle segments left out
 * when it is long: `result.a.a.a …995 more levels… .a.a.a`. A path as deep as the limit would
 * otherwise fill the error text (and the model's context) with thousands of segments.
 */
function shortPath(paths: readonly string[], path: string): string {
  const chain = paths[paths.length - 1] === path ? paths : [...paths, path];
  if (chain.length <= PATH_HEAD + PATH_TAIL + 2) return path;
  const segment = (i: number) => (i === 0 ? chain[0]! : chain[i]!.slice(chain[i - 1]!.length));
  const head = chain[PATH_HEAD]!;
  const tail = Array.from({ length: PATH_TAIL }, (_, i) =>
    segment(chain.length - PATH_TAIL + i),
  ).join('');
  return `${head} …${chain.length - 1 - PATH_HEAD - PATH_TAIL} more levels… ${tail}`;
}

/** The slow walk's state. */
interface Walk {
  /** The objects being converted, outermost first, to name a cycle. */
  readonly stack: object[];
  /** Their paths. */
  readonly paths: string[];
  /** What the fast pass's `toJSON()` calls gave: not called again. */
  readonly outputs: Outputs;
  /**
   * What stopped the fast pass when it was not the pass's own check. A `toJSON` that threw is
   * the first one in the walk's order (JSON's) that has no output kept: it is not called again.
   */
  stopped: { readonly error: unknown } | undefined;
}

// the slow walk: `value` (under `key` of `holder`, at `path`) as a JSON-ready value, following
// JSON.stringify's rules where they lose nothing
function convert(
  input: unknown,
  holder: object,
  key: string,
  path: string,
  place: Place,
  walk: Walk,
): unknown {
  let value = input;
  const known = walk.outputs.get(holder);
  if (known?.has(key) === true) value = known.get(key);
  else if (hasToJSON(value)) {
    const stopped = walk.stopped;
    walk.stopped = undefined;
    try {
      if (stopped !== undefined) throw stopped.error;
      value = (value as { toJSON: (key: string) => unknown }).toJSON(key);
    } catch (error) {
      const at = shortPath(walk.paths, path);
      throw new ToolError(
        'UNSERIALIZABLE_RESULT',
        `${at}'s toJSON() threw: ${describeError(error)}`,
        {
          cause: error,
          data: { path: at },
        },
      );
    }
  }
  switch (typeof value) {
    case 'undefined':
      if (place === 'top') throw unserializable(walk, path, 'is undefined (from its toJSON())');
      return OMIT;
    case 'function':
    case 'symbol':
      if (place === 'object') return OMIT;
      throw unserializable(walk, path, `is a ${typeof value}, which has no JSON form`);
    case 'bigint':
      throw unserializable(
        walk,
        path,
        'is a bigint, which has no JSON form: return it as a string or a number',
      );
    case 'object':
      break;
    default:
      return value;
  }
  if (value === null) return null;
  const { stack, paths } = walk;
  const seen = stack.indexOf(value);
  if (seen >= 0)
    throw unserializable(
      walk,
      path,
      `refers back to ${shortPath(paths.slice(0, seen + 1), paths[seen]!)} (a cycle)`,
    );
  if (stack.length >= MAX_RESULT_DEPTH)
    throw unserializable(
      walk,
      path,
      `is nested deeper than ${MAX_RESULT_DEPTH} levels: return flatter data`,
    );
  stack.push(value);
  paths.push(path);
  try {
    return convertObject(value, path, walk);
  } finally {
    stack.pop();
    paths.pop();
  }
}

function convertObject(value: object, path: string, walk: Walk): unknown {
  const item = (holder: object, v: unknown, i: number) => {
    const converted = convert(v, holder, String(i), `${path}[${i}]`, 'array', walk);
    return converted === OMIT ? null : converted;
  };
  if (Array.isArray(value)) return value.map((v: unknown, i) => item(value, v, i));
  // JSON unwraps boxed primitives
  if (value instanceof Number || value instanceof String || value instanceof Boolean)
    return value.valueOf();
  if (value instanceof Set) return [...(value as Set<unknown>)].map((v, i) => item(value, v, i));
  if (value instanceof Map) return mapObject(value as Map<unknown, unknown>, path, walk);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    if (value instanceof BigInt64Array || value instanceof BigUint64Array)
      throw unserializable(
        walk,
        path,
        `is a ${typeName(value)} of bigints, which have no JSON form`,
      );
    return Array.from(value as unknown as ArrayLike<number>);
  }
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  if (isError(value)) {
    // name and message are inherited or not enumerable: JSON would write only the own fields
    out['name'] = String(value.name);
    out['message'] = String(value.message);
  } else if (!isPlain(value)) {
    const hint = unlike(value);
    if (hint !== undefined) throw unserializable(walk, path, hint);
  }
  for (const key of Object.keys(value)) {
    const converted = convert(
      (value as Record<string, unknown>)[key],
      value,
      key,
      `${path}${member(key)}`,
      'object',
      walk,
    );
    if (converted !== OMIT) out[key] = converted;
  }
  if (isError(value) && value.cause !== undefined) {
    const cause = convert(value.cause, value, 'cause', `${path}.cause`, 'object', walk);
    if (cause !== OMIT) out['cause'] = cause;
  }
  return out;
}

// a Map with string or number keys as an object (a null prototype: a "__proto__" key is data)
function mapObject(map: Map<unknown, unknown>, path: string, walk: Walk): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, entry] of map) {
    if (typeof key !== 'string' && typeof key !== 'number') {
      const type = key === null ? 'null' : typeof key;
      throw unserializable(
        walk,
        path,
        `has a key of type ${type}: only a Map with string or number keys has a JSON form (an object)`,
      );
    }
    const name = String(key);
    if (Object.hasOwn(out, name))
      throw unserializable(walk, path, `has two keys that both become "${name}" in JSON`);
    const at = `${path}.get(${typeof key === 'string' ? JSON.stringify(key) : name})`;
    const converted = convert(entry, map, name, at, 'object', walk);
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
