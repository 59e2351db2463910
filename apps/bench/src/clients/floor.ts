/**
 * The floor: `ws` + `JSON.parse` + base64 decode, the least work any client must do to hand PCM
 * to an application. Every ratio in the report is measured against it.
 * @module
 */
import {
  BenchClientError,
  deferred,
  type BenchClient,
  type ClientSession,
  type ServerAddress,
  type SessionHooks,
} from './types.js';

/** Load the floor client. */
export async function load(): Promise<BenchClient> {
  const { WebSocket } = await import('ws');
  return {
    name: 'floor',
    open(server: ServerAddress, model: string, hooks: SessionHooks): ClientSession {
      const ready = deferred();
      const closed = deferred();
      const ws = new WebSocket(
        `ws://${server.host}:${server.port}/v1/realtime?model=${encodeURIComponent(model)}`,
        {
          headers: { Authorization: 'Bearer bench' },
          perMessageDeflate: false,
        },
      );
      ws.on('message', (data: Buffer) => {
        const event = JSON.parse(data.toString()) as { type: string; delta?: string };
        switch (event.type) {
          case 'response.output_audio.delta':
            hooks.onAudio(Buffer.from(event.delta!, 'base64').byteLength);
            return;
          case 'response.done':
            hooks.onResponseDone();
            return;
          case 'session.created':
            ready.resolve();
            return;
        }
      });
      ws.on('error', (error) =>
        ready.reject(
          new BenchClientError('CLIENT_FAILED', `floor socket error: ${error.message}`, {
            cause: error,
          }),
        ),
      );
      ws.on('close', () => closed.resolve());
      return {
        ready: ready.promise,
        requestResponse: () => ws.send(JSON.stringify({ type: 'response.create' })),
        appendFrame: (pcm) =>
          ws.send(
            JSON.stringify({
              type: 'input_audio_buffer.append',
              audio: Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64'),
            }),
          ),
        close: async () => {
          ws.close();
          await closed.promise;
        },
      };
    },
  };
}
