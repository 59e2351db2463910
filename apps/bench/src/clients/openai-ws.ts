/**
 * The `openai` package's realtime WebSocket client (`OpenAIRealtimeWS` from `openai/realtime/ws`,
 * openai 6.49: 7.x needs Node 22). It parses each frame and emits it by type; decoding the base64
 * audio is left to the application, so this adapter does it, as an application must.
 *
 * Escape hatch: `buildRealtimeURL` forces `wss:`. Rather than give this one client TLS (which would
 * charge it for decryption no other client pays), its `options` go to `ws`, whose
 * `createConnection` option lets us open plain TCP to the load server under the `wss:` URL.
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

/** Load the openai realtime WebSocket client. */
export async function load(): Promise<BenchClient> {
  const [{ OpenAI }, { OpenAIRealtimeWS }, net] = await Promise.all([
    import('openai'),
    import('openai/realtime/ws'),
    import('node:net'),
  ]);
  return {
    name: 'openai-ws',
    open(server: ServerAddress, model: string, hooks: SessionHooks): ClientSession {
      const client = new OpenAI({
        apiKey: 'bench',
        baseURL: `http://${server.host}:${server.port}/v1`,
      });
      const ready = deferred();
      const closed = deferred();
      const rt = new OpenAIRealtimeWS(
        {
          model,
          options: {
            createConnection: () => net.connect({ host: server.host, port: server.port }),
          },
        },
        client,
      );
      rt.on('error', (error) =>
        ready.reject(
          new BenchClientError('CLIENT_FAILED', `openai-ws: ${error.message}`, { cause: error }),
        ),
      );
      rt.on('session.created', () => ready.resolve());
      rt.on('response.output_audio.delta', (event) =>
        hooks.onAudio(Buffer.from(event.delta, 'base64').byteLength),
      );
      rt.on('response.done', () => hooks.onResponseDone());
      rt.socket.on('close', () => closed.resolve());
      return {
        ready: ready.promise,
        requestResponse: () => rt.send({ type: 'response.create' }),
        appendFrame: (pcm) =>
          rt.send({
            type: 'input_audio_buffer.append',
            audio: Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64'),
          }),
        close: async () => {
          rt.close();
          await closed.promise;
        },
      };
    },
  };
}
