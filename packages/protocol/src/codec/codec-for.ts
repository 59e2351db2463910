/**
 * Picks the codec of a dialect.
 * @module
 */
import type { Dialect } from '../contracts.js';
import { betaCodec } from './beta.js';
import { gaCodec } from './ga.js';
import type { DialectCodec } from './types.js';

/** The codec for `dialect` (`'ga'` or `'beta'`); throws a TypeError for anything else. */
export function codecFor(dialect: Dialect): DialectCodec {
  if (dialect === 'ga') return gaCodec;
  if (dialect === 'beta') return betaCodec;
  throw new TypeError(`unknown realtime dialect: ${String(dialect)}`);
}
