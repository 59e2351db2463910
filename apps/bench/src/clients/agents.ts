/**
 * `@openai/agents-realtime`: its WebSocket transport alone (`OpenAIRealtimeWebSocket`, which
 * zod-parses every event, decodes audio to an ArrayBuffer and tracks playback length), and its full
 * `RealtimeSession` (agent, history, guardrail bookkeeping) over that transport. Both accept a
 * custom `url`, so they connect to the load server over plain `ws:` with no workaround.
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

function url(server: ServerAddress, model: string): string {
  return `ws://${server.host}:${server.port}/v1/realtime?model=${encodeURIComponent(model)}`;
}

/** An ArrayBuffer holding exactly the frame's bytes (the library's `sendAudio` takes ArrayBuffer). */
function exactBuffer(pcm: Int16Array): ArrayBuffer {
  return pcm.byteOffset === 0 && pcm.byteLength === pcm.buffer.byteLength
    ? (pcm.buffer as ArrayBuffer)
    : (pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.byteLength) as ArrayBuffer);
}

/** Load the bare transport client. */
export async function loadTransport(): Promise<BenchClient> {
  const { OpenAIRealtimeWebSocket } = await import('@openai/agents-realtime');
  return {
    name: 'agents-transport',
    open(server: ServerAddress, model: string, hooks: SessionHooks): ClientSession {
      const transport = new OpenAIRealtimeWebSocket({ url: url(server, model) });
      const created = deferred();
      // Emitted by type for every parsed server event; typed loosely in the library's event map.
      (transport as unknown as { on(e: string, l: () => void): void }).on('session.created', () =>
        created.resolve(),
      );
      transport.on('audio', (event) => hooks.onAudio(event.data.byteLength));
      transport.on('turn_done', () => hooks.onResponseDone());
      transport.on('error', (event) =>
        created.reject(
          new BenchClientError(
            'CLIENT_FAILED',
            `agents-transport: ${String((event as { error?: unknown }).error)}`,
          ),
        ),
      );
      const connected = transport.connect({ apiKey: 'bench', model });
      return {
        ready: Promise.all([connected, created.promise]).then(() => undefined),
        requestResponse: () => transport.requestResponse(),
        appendFrame: (pcm) => transport.sendAudio(exactBuffer(pcm)),
        close: async () => transport.close(),
      };
    },
  };
}

/** Load the full RealtimeSession client. */
export async function loadSession(): Promise<BenchClient> {
  const { OpenAIRealtimeWebSocket, RealtimeAgent, RealtimeSession } =
    await import('@openai/agents-realtime');
  const agent = new RealtimeAgent({ name: 'bench', instructions: 'You are a load generator.' });
  return {
    name: 'agents-session',
    open(server: ServerAddress, model: string, hooks: SessionHooks): ClientSession {
      const transport = new OpenAIRealtimeWebSocket({ url: url(server, model) });
      // No tracing: it would try to export spans to the network, and no other client traces.
      const session = new RealtimeSession(agent, { transport, model, tracingDisabled: true });
      const created = deferred();
      (transport as unknown as { on(e: string, l: () => void): void }).on('session.created', () =>
        created.resolve(),
      );
      session.on('audio', (event) => hooks.onAudio(event.data.byteLength));
      session.on('agent_end', () => hooks.onResponseDone());
      session.on('error', (event) =>
        created.reject(
          new BenchClientError('CLIENT_FAILED', `agents-session: ${String(event.error)}`),
        ),
      );
      const connected = session.connect({ apiKey: 'bench' });
      return {
        ready: Promise.all([connected, created.promise]).then(() => undefined),
        // The session has no response call of its own; its transport (the same object) does.
        requestResponse: () => transport.requestResponse(),
        appendFrame: (pcm) => session.sendAudio(exactBuffer(pcm)),
        close: async () => session.close(),
      };
    },
  };
}
