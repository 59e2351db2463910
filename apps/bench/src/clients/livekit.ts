/**
 * `@livekit/agents-plugin-openai`'s realtime model (1.9, with `@livekit/agents` 1.9 and
 * `@livekit/rtc-node` 0.13, which run on Node 20). Audio reaches the application as rtc-node
 * `AudioFrame`s on the per-message `audioStream` (a web ReadableStream) of each generation. It
 * accepts an `http:` base URL and turns it into `ws:`, so no workaround is needed.
 * Input frames are re-chunked by the plugin into 100 ms appends (its `AudioByteStream`).
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

/** Load the livekit client. */
export async function load(): Promise<BenchClient> {
  const [plugin, agents, rtc] = await Promise.all([
    import('@livekit/agents-plugin-openai'),
    import('@livekit/agents'),
    import('@livekit/rtc-node'),
  ]);
  // The plugin logs through a process-wide pino logger that must exist before any session.
  agents.initializeLogger({ pretty: false, level: 'error' });
  return {
    name: 'livekit',
    open(server: ServerAddress, model: string, hooks: SessionHooks): ClientSession {
      const realtime = new plugin.realtime.RealtimeModel({
        apiKey: 'bench',
        baseURL: `http://${server.host}:${server.port}/v1`,
        model,
        // Input transcription off: the load server does not transcribe, and no other client asks for it.
        inputAudioTranscription: null,
      });
      const session = realtime.session();
      const created = deferred();
      // Ready on session.created or session.updated: the plugin attaches its message handler only
      // after awaiting the socket's open, so a session.created that lands in the same read as the
      // handshake is lost (seen at 50 parallel setups on a loaded machine). Its own
      // session.update is answered later, so session.updated always arrives.
      const onServerEvent = (event: { type: string }): void => {
        if (event.type !== 'session.created' && event.type !== 'session.updated') return;
        created.resolve();
        // Only needed until ready: keep it off the per-event path afterwards.
        session.off('openai_server_event_received', onServerEvent);
      };
      session.on('openai_server_event_received', onServerEvent);
      session.on('error', (event: { error: unknown }) =>
        created.reject(new BenchClientError('CLIENT_FAILED', `livekit: ${String(event.error)}`)),
      );
      session.on(
        'generation_created',
        (generation: {
          messageStream: ReadableStream<{ audioStream: ReadableStream<{ data: Int16Array }> }>;
        }) => {
          void (async () => {
            for await (const message of generation.messageStream as unknown as AsyncIterable<{
              audioStream: AsyncIterable<{ data: Int16Array }>;
            }>) {
              for await (const frame of message.audioStream) hooks.onAudio(frame.data.byteLength);
            }
            hooks.onResponseDone();
          })();
        },
      );
      return {
        ready: created.promise,
        requestResponse: () => {
          session.generateReply().catch(() => undefined);
        },
        appendFrame: (pcm) => session.pushAudio(new rtc.AudioFrame(pcm, 24_000, 1, pcm.length)),
        close: async () => session.close(),
      };
    },
  };
}
