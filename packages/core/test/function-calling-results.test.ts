/**
 * What a tool's return value becomes in its `function_call_output`, through a session against the
 * fake server: a returned Error fails the call as a throw does.
 */
import { describe, expect, it } from 'vitest';
import type { SessionTool } from '../src/features/builtins.js';
import type { CalledFunction } from '../src/tools/types.js';
import { openSession, setup } from './helpers.js';

/** Runs each tool once in one response; returns what the app and the model were told. */
async function run(tools: SessionTool[]) {
  const s = setup('ga', { tools });
  s.server.queueResponse((ctx) =>
    tools.forEach((t, i) => ctx.callFunction(t.name, {}, { callId: `c${i}` })),
  );
  s.server.queueResponse((ctx) => ctx.text('ok'));
  const session = await openSession(s);
  const finished: (readonly CalledFunction[])[] = [];
  const errors: unknown[] = [];
  session.on('function_calls_finished', (c) => finished.push(c));
  session.on('error', (e) => errors.push(e));
  await Promise.all([
    session.conversation.item.create({ role: 'user', content: 'go' }),
    s.settle(),
  ]);
  await Promise.all([session.response.create(), s.settle()]);
  await s.settle();
  const outputs = s.server.conversation
    .filter((i) => i['type'] === 'function_call_output')
    .map((i) => i['output'] as string);
  await session.close();
  return { finished: finished[0] ?? [], outputs, errors };
}

const tool = (name: string, result: () => unknown): SessionTool => ({ name, execute: result });

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
