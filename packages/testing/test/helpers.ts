/**
 * Test helpers: a client that speaks through the real protocol codecs over a linked transport.
 */
import { codecFor, pcm16ToBase64, type Dialect, type Transport } from '@voxwire/protocol';
import { createFakeServer, type CreateFakeServerOptions, type FakeServer } from '../src/index.js';

export interface TestClient {
  readonly transport: Transport;
  readonly server: FakeServer;
  /** Decoded (GA-model) server events, in order. */
  readonly events: { type: string; [k: string]: any }[];
  /** Raw wire frames, in order. */
  readonly frames: (string | Uint8Array)[];
  readonly closes: { code: number; reason: string }[];
  send(event: { type: string; [k: string]: unknown }): void;
  sendRaw(frame: string): void;
  appendAudio(samples: Int16Array): void;
  types(): string[];
  /** Lets queued microtasks run (deliveries are one microtask hop each way). */
  flush(): Promise<void>;
}

type Codec = ReturnType<typeof codecFor>;

// the part of a TestClient that is the same over any link: sending through the codec, and reading
function clientOf(
  server: FakeServer,
  events: TestClient['events'],
  frames: TestClient['frames'],
  closes: TestClient['closes'],
  sendRaw: (frame: string) => void,
  codec: Codec,
): Omit<TestClient, 'transport'> {
  const client: Omit<TestClient, 'transport'> = {
    server,
    events,
    frames,
    closes,
    send: (event) => sendRaw(codec.encodeClientEvent(event as any, { validate: false })),
    sendRaw,
    appendAudio: (samples) =>
      client.send({ type: 'input_audio_buffer.append', audio: pcm16ToBase64(samples) }),
    types: () => events.map((e) => e.type),
    flush: async () => {
      for (let i = 0; i < 200; i++) await Promise.resolve();
    },
  };
  return client;
}

export async function connect(options: CreateFakeServerOptions = {}): Promise<TestClient> {
  const { transport, server } = createFakeServer(options);
  const dialect: Dialect = options.dialect ?? 'ga';
  const codec = codecFor(dialect);
  const events: TestClient['events'] = [];
  const frames: TestClient['frames'] = [];
  const closes: TestClient['closes'] = [];
  transport.onmessage = (frame) => {
    frames.push(frame);
    const d = codec.decodeServerEvent(frame);
    if (d.kind === 'event') events.push(d.event as any);
    else if (d.kind === 'unknown')
      events.push({ ...(d.raw as any), type: d.type, __unknown: true });
    else
      events.push({ type: '__violation', reason: d.violation.reason, issues: d.violation.issues });
  };
  transport.onclose = (code, reason) => closes.push({ code, reason });
  await transport.start();
  const client: TestClient = {
    transport,
    ...clientOf(server, events, frames, closes, (frame) => transport.send(frame), codec),
  };
  await client.flush();
  return client;
}

/**
 * A GA client of a transcription session, as `?intent=transcription` opens one (the in-memory
 * transport opens realtime sessions, and an update does not switch the type): accepted by the
 * server directly, the frames decoded as `connect`'s are.
 */
export async function connectTranscription(
  options: CreateFakeServerOptions = {},
): Promise<Omit<TestClient, 'transport'>> {
  const { server } = createFakeServer(options);
  const codec = codecFor('ga');
  const events: TestClient['events'] = [];
  const frames: TestClient['frames'] = [];
  const closes: TestClient['closes'] = [];
  const accepted = server.accept(
    {
      send: (frame) => {
        frames.push(frame);
        const d = codec.decodeServerEvent(frame);
        events.push(d.kind === 'event' ? (d.event as any) : { type: `__${d.kind}` });
      },
      close: (code, reason) => closes.push({ code, reason }),
    },
    { transcription: true },
  );
  const send = (frame: string) => queueMicrotask(() => accepted.receive(frame));
  const client = clientOf(server, events, frames, closes, send, codec);
  await client.flush();
  return client;
}
