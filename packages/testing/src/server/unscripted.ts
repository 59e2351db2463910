/**
 * The check of the `unscripted` option.
 * @module
 */
import { describeArgument } from '../describe-argument.js';
import { FakeServerOptionsError } from '../errors.js';
import type { FakeServerOptions } from './fake-server-options.js';

/**
 * @throws FakeServerOptionsError on an `unscripted` other than `'demo-agent'` or `'fail'`, and on
 *   `unscripted: 'fail'` with a `behaviour`, which answers every response: the strict mode
 *   would never apply, and the test would believe itself strict
 */
export function checkUnscripted(options: FakeServerOptions): void {
  const mode: unknown = options.unscripted;
  if (mode !== undefined && mode !== 'demo-agent' && mode !== 'fail')
    throw new FakeServerOptionsError(
      `unscripted must be 'demo-agent' or 'fail', got ${describeArgument(mode)}`,
    );
  if (mode === 'fail' && options.behaviour !== undefined)
    throw new FakeServerOptionsError(
      "unscripted: 'fail' cannot apply with a behaviour, which answers every response nothing else scripted; drop one of them",
    );
}
