/**
 * A drop right after `reconnected`, before the fresh server echoed the restore's
 * `session.update`: the next restore sends its own update of the same confirmed configuration,
 * so the unanswered one is not sent again as well (nor counted in `resentRequests`). The app's
 * own updates still are, after it, and the newest wins.
 */
import { describe, expect, it } from 'vitest';
import type { ReconnectedEvent } from '../src/index.js';
import {
  DIALECTS,
  firstAppendedSamples,
  openSession,
  outcome,
  setup,
  taggedFrame,
} from './helpers.js';

describe.each(DIALECTS)('a drop right after reconnected (%s)', (dialect) => {
  it("the lost restore's session.update is not sent again; the app's requests and audio are, once", async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s, { turnDetection: null, instructions: 'one' });
    const reconnected: ReconnectedEvent[] = [];
    session.on('reconnected', (e) => reconnected.push(e));
    await Promise.all([
      session.conversation.item.create({ role: 'user', content: 'a' }),
      s.settle(),
    ]);
    for (let i = 0; i < 3; i++) session.inputAudioBuffer.append(taggedFrame(100 + i));
    await s.settle();
    s.server.close(1006, 'network');
    await s.settle();
    const created = outcome(session.conversation.item.create({ role: 'user', content: 'b' }));
    const updated = outcome(session.sessionUpdate({ instructions: 'two' }));
    session.once('reconnected', () => s.server.close(1006, 'again'));
    await s.clock.advanceAsync(5000);
    expect(s.server.connections).toHaveLength(3);
    expect(session.connectionState.status).toBe('open');
    const updates = s.server.connections[2]!.clientEvents.filter(
      (e) => e['type'] === 'session.update',
    );
    // the restore's own (what the old server confirmed), then the app's change
    expect(updates.map((e) => (e['session'] as { instructions?: string }).instructions)).toEqual([
      'one',
      'two',
    ]);
    // queued while away the first time (not re-sent: sent), unanswered on the second connection
    expect(reconnected.map((e) => e.resentRequests)).toEqual([0, 2]);
    expect(s.server.sessionConfig?.['instructions']).toBe('two');
    expect(s.server.conversation.map((i) => i['id'])).toEqual(
      session.chatCtxCopy().items.map((i) => i.id),
    );
    expect(s.server.conversation).toHaveLength(2);
    expect(firstAppendedSamples(s.server.connections[2]!.clientEvents)).toEqual([100, 101, 102]);
    expect(created.error).toBeUndefined();
    expect(updated.value).toMatchObject({ instructions: 'two' });
    expect(session.stats.pendingRequests).toBe(0);
    await session.close();
    expect(s.clock.pendingTimers).toBe(0);
  });
});
