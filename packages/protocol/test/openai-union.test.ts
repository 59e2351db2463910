/**
 * Runtime half of the check that our GA event sets equal the `openai` package's unions: reads
 * the union members from the package's realtime.d.ts and each member's `type` literal.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { clientEventSchemas, serverEventSchemas } from '../src/index.js';

const require = createRequire(import.meta.url);
const dts = readFileSync(
  require.resolve('openai/resources/realtime/realtime').replace(/\.[mc]?js$/, '.d.ts'),
  'utf8',
);

/** The body of `interface name {…}` (searched after `from`), by brace counting. */
function interfaceBody(name: string, from = 0): string {
  const start = dts.indexOf(`interface ${name} {`, from);
  if (start < 0) throw new Error(`interface ${name} not found`);
  let depth = 0;
  for (let i = dts.indexOf('{', start); i < dts.length; i++) {
    if (dts[i] === '{') depth++;
    else if (dts[i] === '}' && --depth === 0) return dts.slice(start, i);
  }
  throw new Error(`unterminated interface ${name}`);
}

function unionTypes(union: string): string[] {
  const match = new RegExp(`export type ${union} = ([^;]+);`).exec(dts);
  if (!match) throw new Error(`union ${union} not found`);
  return match[1]!.split('|').map((member) => {
    const [ns, inner] = member.trim().split('.');
    const body =
      inner === undefined
        ? interfaceBody(ns!)
        : interfaceBody(inner, dts.indexOf(`namespace ${ns} {`));
    const type = /\n\s*type: '([^']+)';/.exec(body);
    if (!type) throw new Error(`no type literal in ${member}`);
    return type[1]!;
  });
}

describe('GA event sets equal the openai package unions (runtime, from realtime.d.ts)', () => {
  it('RealtimeServerEvent', () => {
    const theirs = unionTypes('RealtimeServerEvent');
    expect(theirs).toHaveLength(46);
    expect(new Set(theirs)).toEqual(new Set(Object.keys(serverEventSchemas)));
  });
  it('RealtimeClientEvent', () => {
    const theirs = unionTypes('RealtimeClientEvent');
    expect(theirs).toHaveLength(11);
    expect(new Set(theirs)).toEqual(new Set(Object.keys(clientEventSchemas)));
  });
});
