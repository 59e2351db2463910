/** The in-memory transport as a test drives it by hand. */
import { describe, expect, it } from 'vitest';
import { createFakeServer } from '../src/index.js';

const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};
const typeOf = (frame: string | Uint8Array) =>
  (JSON.parse(frame as string) as { type: string }).type;

describe('InMemoryTransport', () => {
  it('frames that arrived before onmessage was set are delivered once it is, in order', async () => {
    const { transport, server } = createFakeServer();
    await transport.start();
    const got: string[] = [];
    // set after start(), as after opening a socket: session.created already arrived
    transport.onmessage = (f) => got.push(typeOf(f));
    expect(got).toEqual([]); // still asynchronous, as a socket's delivery
    await flush();
    expect(got).toEqual(['session.created']);
    server.emit({ type: 'output_audio_buffer.started', response_id: 'r' });
    await flush();
    expect(got).toEqual(['session.created', 'output_audio_buffer.started']);
  });

  it('held frames keep their order with the frames that follow them', async () => {
    const { transport, server } = createFakeServer();
    await transport.start();
    server.emit({ type: 'output_audio_buffer.started', response_id: 'r' });
    await flush();
    const got: string[] = [];
    transport.onmessage = (f) => got.push(typeOf(f));
    server.emit({ type: 'output_audio_buffer.stopped', response_id: 'r' });
    await flush();
    expect(got).toEqual([
      'session.created',
      'output_audio_buffer.started',
      'output_audio_buffer.stopped',
    ]);
  });
});
