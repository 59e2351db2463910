/**
 * The receive path without sockets: the load server's burst frames fed straight into a client's
 * message handler, in one process, so only the client's own per-event work is timed (no `ws`, no
 * kernel, no second process). A diagnostic for tuning rounds (PROFILE.md), not a report figure:
 * `pnpm bench` measures the real thing over loopback.
 *
 * usage (after `pnpm exec tsup`): node --expose-gc dist/receive-cost.mjs [rounds] [floor,iterator,listener] [--alloc]
 *
 * `--alloc` adds, per receiver, the garbage collector's time per event (one round) and the
 * bytes allocated per event (V8's sampling heap profiler, objects a scavenge or a full collection
 * freed included; another round) by function: PROFILE.md round 5 used it to show that voxwire allocates what the
 * floor allocates (the extra CPU is engine work, not garbage).
 *
 * Frames are delivered in batches of one response (the burst server writes a response in one
 * write, and `ws` emits the messages of one read synchronously), then the event loop turns, so
 * async consumers drain between batches as they do over a socket.
 * @module
 */
import { Session } from 'node:inspector/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import type { Connection, Transport } from '@voxwire/protocol';
import { buildResponse, framesPerResponse } from './wire/events.js';

const DELTAS = 100;
const RESPONSES = 200;

interface Receiver {
  readonly name: string;
  /** Delivers one frame (as `ws` hands it over: a Buffer). */
  deliver(frame: Buffer): void;
  /** Audio bytes and chunks the application saw. */
  readonly seen: { bytes: number; chunks: number; done: number };
}

function floor(): Receiver {
  const seen = { bytes: 0, chunks: 0, done: 0 };
  return {
    name: 'floor',
    seen,
    deliver(frame) {
      const event = JSON.parse(frame.toString()) as { type: string; delta?: string };
      switch (event.type) {
        case 'response.output_audio.delta':
          seen.bytes += Buffer.from(event.delta!, 'base64').byteLength;
          seen.chunks++;
          return;
        case 'response.done':
          seen.done++;
          return;
      }
    },
  };
}

async function voxwire(mode: 'iterator' | 'listener'): Promise<Receiver> {
  const [core, { decodeTextFrame }] = await Promise.all([
    import('@voxwire/core'),
    import('@voxwire/node'),
  ]);
  const seen = { bytes: 0, chunks: 0, done: 0 };
  let onmessage: ((frame: string | Uint8Array) => void) | undefined;
  const transport: Transport = {
    start: () => Promise.resolve(),
    send: () => undefined,
    close: () => Promise.resolve(),
    get onmessage() {
      return onmessage;
    },
    set onmessage(h) {
      onmessage = h;
    },
  };
  const connection: Connection = { transport, dialect: 'ga' };
  const session = new core.RealtimeModel({
    connector: () => Promise.resolve(connection),
  }).session();
  if (mode === 'iterator') {
    session.on('response_content_added', (content) => {
      void (async () => {
        for await (const frame of content.audioStream) {
          seen.bytes += frame.data.byteLength;
          seen.chunks++;
        }
      })();
    });
  } else {
    session.on('response_audio', (frame) => {
      seen.bytes += frame.data.byteLength;
      seen.chunks++;
    });
  }
  session.on('response_done', () => seen.done++);
  // let the connect run, then announce the session
  for (let i = 0; i < 5 && onmessage === undefined; i++) await turn();
  if (!onmessage) throw new Error('the session never attached to the transport');
  onmessage(
    JSON.stringify({
      type: 'session.created',
      event_id: 'ev_created',
      session: { type: 'realtime', id: 'sess_1', object: 'realtime.session' },
    }),
  );
  return {
    name: `voxwire-${mode}`,
    seen,
    deliver(frame) {
      // as @voxwire/node's transport decodes a text frame
      onmessage!(decodeTextFrame(frame));
    },
  };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

let eventCounter = 0;
function responses(count: number, offset: number): Buffer[][] {
  const out: Buffer[][] = [];
  for (let i = 0; i < count; i++) {
    const n = offset + i;
    const r = buildResponse(
      {
        responseId: `resp_${n}`,
        itemId: `item_${n}`,
        previousItemId: n === 0 ? null : `item_${n - 1}`,
        deltas: DELTAS,
        metadata: null,
      },
      () => `ev_${++eventCounter}`,
    );
    out.push([...r.head, ...r.chunks.flat(), ...r.tail]);
  }
  return out;
}

async function measure(receiver: Receiver, batches: Buffer[][]): Promise<number> {
  const before = receiver.seen.chunks;
  // with --expose-gc, start every timed round from a collected heap (the frames were just built)
  (globalThis as { gc?: () => void }).gc?.();
  const start = process.cpuUsage();
  for (const batch of batches) {
    for (const frame of batch) receiver.deliver(frame);
    await turn();
  }
  const used = process.cpuUsage(start);
  const chunks = receiver.seen.chunks - before;
  if (chunks !== batches.length * DELTAS)
    throw new Error(`${receiver.name}: ${chunks} chunks seen, ${batches.length * DELTAS} sent`);
  return (used.user + used.system) / (batches.length * framesPerResponse(DELTAS));
}

async function deliverAll(receiver: Receiver, batches: Buffer[][]): Promise<void> {
  for (const batch of batches) {
    for (const frame of batch) receiver.deliver(frame);
    await turn();
  }
}

/**
 * GC time per event over one round, then bytes allocated per event by function over another
 * (apart: the sampling profiler slows collections down).
 */
async function allocation(
  receiver: Receiver,
  timed: Buffer[][],
  sampled: Buffer[][],
): Promise<void> {
  const events = timed.length * framesPerResponse(DELTAS);
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
  (globalThis as { gc?: () => void }).gc?.();
  await deliverAll(receiver, timed);
  // gc entries are delivered asynchronously
  await new Promise((resolve) => setTimeout(resolve, 20));
  observer.disconnect();

  const inspector = new Session();
  inspector.connect();
  await inspector.post('HeapProfiler.enable');
  (globalThis as { gc?: () => void }).gc?.();
  await inspector.post('HeapProfiler.startSampling', {
    samplingInterval: 512,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  await deliverAll(receiver, sampled);
  const { profile } = await inspector.post('HeapProfiler.stopSampling');
  inspector.disconnect();
  const sampledEvents = sampled.length * framesPerResponse(DELTAS);
  const byFunction = new Map<string, number>();
  let total = 0;
  const walk = (node: (typeof profile)['head']): void => {
    const f = node.callFrame;
    const where = f.url.replace(/^.*\/(packages|node_modules|dist)\//, '$1/');
    const key = `${f.functionName || '(anonymous)'} ${where}:${f.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + node.selfSize);
    total += node.selfSize;
    for (const child of node.children) walk(child);
  };
  walk(profile.head);
  console.log(
    `${receiver.name}: GC ${((gcMs * 1000) / events).toFixed(2)} µs/event; ${(total / sampledEvents).toFixed(0)} B allocated/event ` +
      '(by function below; work a caller inlined is counted to the caller)',
  );
  for (const [key, bytes] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 6))
    console.log(`  ${(bytes / sampledEvents).toFixed(0).padStart(6)} B/event  ${key}`);
}

const rounds = Number(process.argv[2] ?? 5);
const modes = (process.argv[3] ?? 'floor,iterator,listener').split(',');
const alloc = process.argv.includes('--alloc');
const receivers: Receiver[] = [];
for (const m of modes)
  receivers.push(m === 'floor' ? floor() : await voxwire(m as 'iterator' | 'listener'));
const results = new Map<string, number[]>();
let offset = 0;
// warm-up: JIT every path before timing
for (const r of receivers) {
  await measure(r, responses(20, offset));
  offset += 20;
}
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? receivers : [...receivers].reverse();
  for (const r of order) {
    const batches = responses(RESPONSES, offset);
    offset += RESPONSES;
    const us = await measure(r, batches);
    results.set(r.name, [...(results.get(r.name) ?? []), us]);
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const base = median(results.get(receivers[0]!.name)!);
for (const [name, xs] of results) {
  const m = median(xs);
  console.log(
    `${name.padEnd(18)} ${m.toFixed(2).padStart(6)} µs/event  ${(m / base).toFixed(2)}×  [${xs.map((x) => x.toFixed(2)).join(', ')}]`,
  );
}
if (alloc)
  for (const r of receivers) {
    const timed = responses(RESPONSES, offset);
    const sampled = responses(RESPONSES, offset + RESPONSES);
    offset += 2 * RESPONSES;
    await allocation(r, timed, sampled);
  }
process.exit(0);
