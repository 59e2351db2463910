/**
 * The embedded fake as the playground runs it: a session left open for hours with the microphone
 * streaming must not keep every appended frame.
 */
import { RealtimeModel } from '@voxwire/core';
import { audioFrame } from '@voxwire/protocol';
import { describe, expect, it } from 'vitest';
import { createEmbeddedFake } from '../src/server/default-providers.js';

describe('the embedded fake', () => {
  it('does not record the microphone frames it hears (a long session would keep them all)', async () => {
    const { server, connector } = createEmbeddedFake();
    const session = new RealtimeModel({ connector, turnDetection: null }).session();
    try {
      // 2 s of 40 ms microphone chunks, as the page sends them
      for (let i = 0; i < 50; i++) session.inputAudioBuffer.append(audioFrame(new Int16Array(960)));
      // a round trip after the appends: the fake has handled them all when it acks this
      await session.conversation.item.create({ role: 'user', content: 'sync' });
      expect(server.clientEvents.some((e) => e['type'] === 'conversation.item.create')).toBe(true);
      expect(server.clientEvents.filter((e) => e['type'] === 'input_audio_buffer.append')).toEqual(
        [],
      );
      for (const connection of server.connections)
        expect(
          connection.clientEvents.filter((e) => e['type'] === 'input_audio_buffer.append'),
        ).toEqual([]);
    } finally {
      await session.close();
    }
  });
});
