/**
 * The `client_event` tap: every client event as written to the socket, the other half of
 * `server_event` (LiveKit's `openai_client_event_queued`). Deterministic: the in-memory fake.
 */
import type { ClientEvent } from '@voxwire/protocol';
import { audioFrame } from '@voxwire/protocol';
import { describe, expect, it } from 'vitest';
import { DIALECTS, setup } from './helpers.js';

describe.each(DIALECTS)('the client_event tap (%s)', (dialect) => {
  it('hands over each event as written, in order, the restore included; a copy the engine does not share', async () => {
    const s = setup(dialect, { random: () => 0 });
    const tapped: ClientEvent[] = [];
    const session = s.model.session({ modalities: ['text'] });
    session.on('client_event', (event) => {
      tapped.push(event);
      // editing what it was handed changes nothing on the wire or in the engine
      (event as { event_id?: string }).event_id = 'edited';
    });
    await s.settle();
    session.inputAudioBuffer.append(audioFrame(new Int16Array(480)));
    s.server.queueResponse((ctx) => ctx.text('hi'));
    await Promise.all([session.response.generate(), s.settle()]);
    const types = tapped.map((e) => e.type);
    expect(types).toEqual(['session.update', 'input_audio_buffer.append', 'response.create']);
    // the server got the events with their own ids
    expect(s.server.clientEvents.map((e) => e['event_id'])).not.toContain('edited');
    expect(s.server.clientEvents.map((e) => e['type'])).toEqual(types);
    // a drop: the restore's writes are tapped too
    s.server.close(1006, 'drop');
    await s.clock.advanceAsync(1_000);
    expect(tapped.slice(3).map((e) => e.type)[0]).toBe('session.update');
    await session.close();
  });
});
