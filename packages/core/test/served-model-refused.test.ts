/**
 * A model the server does not serve: the real API upgrades, sends `invalid_model` and closes
 * with 4000 (protocol.md §5.1), which the fake does with `models`. The app gets the server's
 * error and one typed, fatal connection error, then `closed`, with no reconnect attempts:
 * retrying cannot fix a misconfigured model.
 */
import { describe, expect, it } from 'vitest';
import type { Connector } from '@voxwire/protocol';
import { createFakeServer } from '@voxwire/testing';
import { ServerError, VoxwireError, type SessionError } from '../src/errors.js';
import { DIALECTS, record, setup } from './helpers.js';

describe.each(DIALECTS)('a model the server does not serve (%s)', (dialect) => {
  it('ends the session with the server error and a fatal CONNECT_FAILED (close 4000), no retries', async () => {
    const s = setup(dialect, {}, { model: 'gpt-nope', models: ['gpt-realtime'] });
    const { connector } = createFakeServer({ server: s.server, dialect });
    let connects = 0;
    const counting: Connector = (attempt) => (connects++, connector(attempt));
    const session = s.model.session({ connector: counting });
    const errors: SessionError[] = [];
    session.on('error', (e) => errors.push(e));
    const events = record(session, ['reconnecting', 'closed']);
    // a minute of clock time, well past every backoff: a retry would show as another connect
    await s.clock.advanceAsync(60_000);

    expect(connects).toBe(1);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBeInstanceOf(ServerError);
    expect(errors[0]).toMatchObject({
      type: 'invalid_request_error',
      code: 'invalid_model',
      message: 'Model "gpt-nope" is not supported in realtime mode.',
    });
    expect(errors[1]).toBeInstanceOf(VoxwireError);
    expect(errors[1]).toMatchObject({
      code: 'CONNECT_FAILED',
      data: { code: 4000, reason: 'invalid_request_error.invalid_model', fatal: true },
    });
    expect(events).toEqual([['closed', { error: errors[1] }]]);
    expect(session.connectionState.status).toBe('closed');
  });
});
