/**
 * A response the server ends `failed` (or `incomplete`: cut by max_output_tokens or the content
 * filter) is an answer the caller did not get whole: the app hears of it on `error` as
 * `RESPONSE_FAILED`, not only from a status field it may never read. Cancelled responses (a
 * barge-in, the app's own cancel) and locally ended ones (their own error) are not reported so.
 */
import { describe, expect, it } from 'vitest';
import { VoxwireError } from '../src/errors.js';
import { DIALECTS, openSession, setup } from './helpers.js';

describe.each(DIALECTS)('responses the server ends failed or incomplete (%s)', (dialect) => {
  it('failed: generate() hands over the response, which ends failed, and `error` carries RESPONSE_FAILED', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    s.server.queueResponse((ctx) => ctx.fail({ type: 'server_error', code: 'boom' }));
    const [response] = await Promise.all([session.response.generate(), s.settle()]);
    await response.done;
    expect(response.status).toBe('failed');
    expect(errors).toHaveLength(1);
    const error = errors[0] as VoxwireError;
    expect(error).toBeInstanceOf(VoxwireError);
    expect(error.code).toBe('RESPONSE_FAILED');
    expect(error.data).toMatchObject({
      responseId: response.id,
      status: 'failed',
      statusDetails: { type: 'failed', error: { type: 'server_error', code: 'boom' } },
    });
    await session.close();
  });

  it('incomplete (max_output_tokens): RESPONSE_FAILED with the reason', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    s.server.queueResponse((ctx) => {
      ctx.say('cut');
      ctx.incomplete('max_output_tokens');
    });
    const [response] = await Promise.all([session.response.generate(), s.settle()]);
    await response.done;
    expect(response.status).toBe('incomplete');
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'RESPONSE_FAILED',
        data: expect.objectContaining({
          responseId: response.id,
          status: 'incomplete',
          statusDetails: { type: 'incomplete', reason: 'max_output_tokens' },
        }),
      }),
    ]);
    await session.close();
  });

  it('cancelled and completed responses raise nothing; a locally ended one only its own error', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const errors: { code?: unknown }[] = [];
    session.on('error', (e) => errors.push(e));
    s.server.queueResponse((ctx) => ctx.say('fine'));
    await (
      await Promise.all([session.response.generate(), s.settle()])
    )[0].done;
    s.server.queueResponse(async (ctx) => {
      await new Promise(() => undefined);
      ctx.say('never');
    });
    const [held] = await Promise.all([session.response.generate(), s.settle()]);
    session.response.cancel();
    await s.settle();
    expect(held.status).toBe('cancelled');
    expect(errors).toHaveLength(0);
    s.server.queueResponse(async (ctx) => {
      await new Promise(() => undefined);
      ctx.say('never');
    });
    const [lost] = await Promise.all([session.response.generate(), s.settle()]);
    s.server.close(1006, 'drop');
    await s.settle();
    expect(lost.status).toBe('failed');
    expect(errors.map((e) => e.code)).toEqual(['SOCKET_CLOSED']);
    // and logged as ended here, not as a generation the server failed: the drop was logged
    const levels = (message: string) =>
      s.logs.filter((l) => l.message === message).map((l) => l.level);
    expect(levels('response generation failed')).toEqual([]);
    expect(levels('response ended here, by the engine')).toEqual(['info']);
    expect(
      s.logs.find((l) => l.message === 'response ended here, by the engine')?.fields,
    ).toMatchObject({
      responseId: lost.id,
      cause: 'SOCKET_CLOSED',
    });
    await session.close();
  });
});
