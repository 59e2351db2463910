/**
 * `response.create()` / `generate()` called from untyped code with options or a `response` that
 * are no object: a typed `INVALID_ARGUMENT` naming the argument, nothing sent (a `TypeError` from
 * deep inside the engine, or a `response.create` carrying a string, was what came out).
 * Fake server, simulated clock; nothing sleeps.
 */
import { describe, expect, it } from 'vitest';
import { VoxwireError } from '../src/errors.js';
import { DIALECTS, openSession, setup, type Setup } from './helpers.js';

const creates = (s: Setup) => s.server.clientEvents.filter((e) => e['type'] === 'response.create');

const CASES: [string, unknown, string][] = [
  ['options null', null, 'options'],
  ['options a string', 'cancel_new', 'options'],
  ['options an array', [], 'options'],
  ['response null', { response: null }, 'response'],
  ['response a string', { response: 'Say hi.' }, 'response'],
  ['response an array', { response: [] }, 'response'],
];

describe.each(DIALECTS)('response options that are no object (%s)', (dialect) => {
  for (const method of ['create', 'generate'] as const)
    it.each(CASES)(
      `${method}() with %s rejects with INVALID_ARGUMENT and sends nothing`,
      async (_name, options, argument) => {
        const s = setup(dialect);
        const session = await openSession(s, { modalities: ['text'] });
        s.server.queueResponse((ctx) => ctx.say('x'));
        const error = await session.response[method](options as never).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(VoxwireError);
        expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', data: { argument } });
        await s.settle();
        expect(creates(s)).toEqual([]);
        await session.close();
      },
    );
});
