/**
 * voxwire: one `@voxwire/core` `RealtimeModel` for the process, a session per `open` with its own
 * `@voxwire/node` `openaiConnector` (which accepts an `http:`/`ws:` base URL when the host is
 * loopback). Audio reaches the application as
 * `AudioFrame`s through the session's `response_audio` event (`voxwire`), or on each content's
 * `audioStream`, announced by `response_content_added` (`voxwire-iterator`).
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

/**
 * Load the voxwire client. `listener`: audio through the session's `response_audio` event (the
 * synchronous, lowest-overhead API); `iterator`: `for await` over each content's `audioStream`.
 */
export async function load(audio: 'listener' | 'iterator'): Promise<BenchClient> {
  const [core, node] = await Promise.all([import('@voxwire/core'), import('@voxwire/node')]);
  const connectorFor = (server: ServerAddress, model: string) =>
    node.openaiConnector({
      apiKey: 'bench',
      baseURL: `http://${server.host}:${server.port}/v1`,
      model,
      // scripts/voice-sessions.mjs: voxwire as it was before round 14 (compression offered)
      ...(process.env.BENCH_VOXWIRE_DEFLATE === '1' ? { perMessageDeflate: true } : {}),
    });
  // One model for the process, as an application holds it; each session gets its own connector
  // because the load server keys a session's pacing on the URL's `model` (as a side-band
  // session's `call_id` would be).
  let shared: InstanceType<typeof core.RealtimeModel> | undefined;
  return {
    name: audio === 'listener' ? 'voxwire' : 'voxwire-iterator',
    open(server: ServerAddress, model: string, hooks: SessionHooks): ClientSession {
      const connector = connectorFor(server, model);
      shared ??= new core.RealtimeModel({
        connector: connectorFor(server, 'bench'),
        // scripts/voice-sessions.mjs: what the microphone tail kept for a reconnect costs
        ...(process.env.BENCH_VOXWIRE_REPLAY_MS === undefined
          ? {}
          : { replayUncommittedAudioMs: Number(process.env.BENCH_VOXWIRE_REPLAY_MS) }),
      });
      const session = shared.session({ connector });
      const ready = deferred();
      const offTap = session.on('server_event', (tapped) => {
        if (tapped.kind !== 'event' || tapped.event.type !== 'session.created') return;
        ready.resolve();
        // Only needed until ready: keep it off the per-event path afterwards.
        offTap();
      });
      session.on('error', (error) =>
        ready.reject(
          new BenchClientError('CLIENT_FAILED', `voxwire: ${error.message}`, { cause: error }),
        ),
      );
      if (audio === 'iterator')
        session.on('response_content_added', (content) => {
          void (async () => {
            for await (const frame of content.audioStream) hooks.onAudio(frame.data.byteLength);
          })();
        });
      else session.on('response_audio', (frame) => hooks.onAudio(frame.data.byteLength));
      session.on('response_done', () => hooks.onResponseDone());
      return {
        ready: ready.promise,
        requestResponse: () => {
          session.response.create().catch(() => undefined);
        },
        appendFrame: (pcm) =>
          session.inputAudioBuffer.append({ data: pcm, sampleRate: 24_000, channels: 1 }),
        close: async () => session.close(),
      };
    },
  };
}
