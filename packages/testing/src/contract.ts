/**
 * A contract suite for {@link Transport} adapters, runner-agnostic: each check is a named async
 * function that throws on failure. Pass `describe`/`it` hooks to register them with any runner,
 * or run the returned list yourself. Checks wait on events, never on wall-clock sleeps.
 * @module
 */
import { bytesToBase64, type Transport } from '@voxwire/protocol';
import { FakeServerError } from './errors.js';
import type { FakeServer } from './server/fake-server.js';

/** One transport under test, connected (after `start()`) to a fake server. */
export interface TransportUnderTest {
  /** A fresh, unstarted transport whose other end is `server`. */
  readonly transport: Transport;
  /** The fake server it talks to (in memory or behind `startFakeWsServer`). */
  readonly server: FakeServer;
  /** Frees what the factory made (servers, sockets). */
  dispose?(): Promise<void> | void;
}

/** Makes a new transport (and its server) for one check. */
export type TransportFactory = () => Promise<TransportUnderTest>;

/** One named check. */
export interface ContractCheck {
  readonly name: string;
  run(): Promise<void>;
}

/** The subset of a test runner the suite needs (vitest, jest, mocha and node:test all fit). */
export interface ContractHooks {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>): void;
}

/** A contract expectation failed. */
export class TransportContractError extends FakeServerError {
  constructor(message: string) {
    super('TRANSPORT_CONTRACT', message);
    this.name = 'TransportContractError';
  }
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new TransportContractError(message);
}

interface Probe {
  readonly frames: (string | Uint8Array)[];
  readonly closes: { code: number; reason: string }[];
  nextFrame(): Promise<string | Uint8Array>;
  closed: Promise<{ code: number; reason: string }>;
}

function probe(transport: Transport): Probe {
  const frames: (string | Uint8Array)[] = [];
  const closes: { code: number; reason: string }[] = [];
  const waiting: ((f: string | Uint8Array) => void)[] = [];
  let read = 0;
  let onClosed!: (c: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((r) => (onClosed = r));
  transport.onmessage = (f) => {
    frames.push(f);
    const w = waiting.shift();
    if (w) w(frames[read++] as string | Uint8Array);
  };
  transport.onclose = (code, reason) => {
    closes.push({ code, reason });
    onClosed({ code, reason });
  };
  transport.onerror = () => undefined;
  return {
    frames,
    closes,
    closed,
    nextFrame: () =>
      read < frames.length
        ? Promise.resolve(frames[read++] as string | Uint8Array)
        : new Promise((r) => waiting.push(r)),
  };
}

async function nextEvent(p: Probe): Promise<{ type: string; [k: string]: unknown }> {
  const f = await p.nextFrame();
  check(typeof f === 'string', 'server frames must arrive as text');
  return JSON.parse(f) as { type: string };
}

// The next event that answers the client: a beta server greets with `conversation.created`
// after `session.created`, which answers nothing.
async function nextReply(p: Probe): Promise<{ type: string; [k: string]: unknown }> {
  for (;;) {
    const e = await nextEvent(p);
    if (e.type !== 'conversation.created') return e;
  }
}

// 1.5 MiB of varied bytes (2 MiB of base64): a payload whose corruption anywhere shows
function largeAudio(): string {
  const bytes = new Uint8Array(1.5 * 1024 * 1024);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
  return bytesToBase64(bytes);
}

/** Builds the checks and, with `hooks`, registers them. */
export function runTransportContract(
  name: string,
  factory: TransportFactory,
  hooks?: ContractHooks,
): ContractCheck[] {
  const withTransport = (body: (t: TransportUnderTest, p: Probe) => Promise<void>) => async () => {
    const t = await factory();
    try {
      const p = probe(t.transport);
      await t.transport.start();
      await body(t, p);
    } finally {
      if (t.server.connections.some((c) => c.open))
        await t.transport.close().catch(() => undefined);
      await t.dispose?.();
    }
  };
  const checks: ContractCheck[] = [
    {
      name: 'start() resolves and session.created is the first frame, as text',
      run: withTransport(async (_t, p) => {
        const first = await nextEvent(p);
        check(first.type === 'session.created', `first frame was ${first.type}`);
      }),
    },
    {
      name: 'send() delivers frames to the server in order, and replies come back',
      run: withTransport(async (t, p) => {
        await nextEvent(p);
        for (let i = 0; i < 20; i++) {
          t.transport.send(
            JSON.stringify({
              type: 'conversation.item.create',
              event_id: `c${i}`,
              item: {
                id: `it${i}`,
                type: 'message',
                role: 'user',
                content: [{ type: 'input_text', text: `n${i} ✓ héllo` }],
              },
            }),
          );
        }
        const last = await t.server.expectClientEvent(
          'conversation.item.create',
          (e) => (e['item'] as { id?: string } | undefined)?.id === 'it19',
        );
        check(last, 'the 20th frame arrived');
        const ids = t.server.conversation.map((i) => i['id']);
        check(
          ids.join() === Array.from({ length: 20 }, (_, i) => `it${i}`).join(),
          `server saw items out of order: ${ids.join()}`,
        );
        const reply = await nextReply(p);
        check(
          reply.type === 'conversation.item.added' || reply.type === 'conversation.item.created',
          `unexpected reply ${reply.type}`,
        );
      }),
    },
    {
      name: 'a large frame (2 MiB of audio) crosses intact',
      run: withTransport(async (t, p) => {
        await nextEvent(p);
        // an audio item rather than an append: a server made with `recordAudioAppends: false`
        // (a soak test's) records no append, and the check must work with any server
        const audio = largeAudio();
        t.transport.send(
          JSON.stringify({
            type: 'conversation.item.create',
            item: {
              id: 'large',
              type: 'message',
              role: 'user',
              content: [{ type: 'input_audio', audio }],
            },
          }),
        );
        const got = await t.server.expectClientEvent('conversation.item.create');
        const item = got['item'] as { content?: { audio?: unknown }[] } | undefined;
        check(item?.content?.[0]?.audio === audio, 'the audio payload changed in transit');
        const reply = await nextReply(p);
        check(
          reply.type === 'conversation.item.added' || reply.type === 'conversation.item.created',
          `the server did not take the large item: ${JSON.stringify(reply).slice(0, 300)}`,
        );
      }),
    },
    {
      name: 'close() resolves after onclose fired exactly once, and the server sees the close',
      run: withTransport(async (t, p) => {
        await nextEvent(p);
        await t.transport.close(1000, 'bye');
        check(p.closes.length === 1, `onclose fired ${p.closes.length} times`);
        check(p.closes[0]?.code === 1000, `close code ${p.closes[0]?.code}`);
        await t.server.allClosed();
        await t.transport.close();
        check(p.closes.length === 1, 'a second close() fired onclose again');
      }),
    },
    {
      name: 'a server-initiated close reaches onclose with its code and reason',
      run: withTransport(async (t, p) => {
        await nextEvent(p);
        t.server.close(4000, 'server says bye');
        const c = await p.closed;
        check(c.code === 4000 && c.reason === 'server says bye', `got ${c.code} ${c.reason}`);
        check(p.closes.length === 1, `onclose fired ${p.closes.length} times`);
      }),
    },
    {
      name: 'send() after close throws',
      run: withTransport(async (t, p) => {
        await nextEvent(p);
        await t.transport.close();
        let threw = false;
        try {
          t.transport.send('{"type":"input_audio_buffer.clear"}');
        } catch {
          threw = true;
        }
        check(threw, 'send() after close did not throw');
      }),
    },
  ];
  if (hooks)
    hooks.describe(`Transport contract: ${name}`, () =>
      checks.forEach((c) => hooks.it(c.name, () => c.run())),
    );
  return checks;
}
