/**
 * An Azure-preview (beta dialect) user's session: what the app sees must be what it sees on GA,
 * except where the beta wire cannot say something — then the app is told at once, not left
 * waiting.
 */
import { describe, expect, it } from 'vitest';
import type { RealtimeResponse } from '../src/responses/tree.js';
import { openSession, outcome, setup } from './helpers.js';

describe('beta dialect: requests beta cannot express', () => {
  it('generate() with a GA-only value (an MCP tool) rejects with ENCODE_FAILED at once, and the next request is not held back', async () => {
    const s = setup('beta');
    s.server.onResponse((ctx) => ctx.say('Hello'));
    const session = await openSession(s, { turnDetection: null });
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    const refused = outcome(
      session.response.generate({
        response: {
          tools: [{ type: 'mcp', server_label: 'docs', server_url: 'https://mcp.example' }],
        },
      }),
    );
    await s.settle();
    // the codec refused to write it: nothing went out, nothing will answer it
    expect(refused.done).toBe(true);
    expect(refused.error).toMatchObject({ code: 'ENCODE_FAILED' });
    // it was reported to the request, not as a stray session error as well
    expect(errors).toEqual([]);
    expect(s.server.clientEvents.filter((e) => e['type'] === 'response.create')).toEqual([]);

    // the engine does not believe a create is still on its way: the next one goes out now
    const next = outcome(session.response.generate());
    await s.settle();
    expect(s.server.clientEvents.filter((e) => e['type'] === 'response.create')).toHaveLength(1);
    await s.clock.advanceAsync(1000);
    expect(next.done).toBe(true);
    await (next.value as RealtimeResponse).done;
    expect((next.value as RealtimeResponse).text).toBe('Hello');
    await session.close();
  });
});
