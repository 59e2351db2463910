// Shared by the memory probes (gc-trace.mjs, heap-breakdown.mjs): loads one client of the bench,
// starts the load server in its own process, and opens and paces sessions as the bench's
// concurrency workload does (batches of 50, then 50 chunks of 100 ms to every session).
// BALLAST=n keeps n small objects more per session (~28 bytes each, 100 ≈ 5.5 KiB kept): a
// probe of how RSS per session answers to the state a client keeps (PROFILE.md round 9).
// OPEN_GAP_MS=ms waits that long after each batch of 50: sessions that arrive over time, as
// calls do, instead of the bench's burst (PROFILE.md round 18).
import { fork } from 'node:child_process';
import { readdirSync } from 'node:fs';

const BALLAST = Number(process.env.BALLAST ?? 0);
const OPEN_GAP_MS = Number(process.env.OPEN_GAP_MS ?? 0);

/** BALLAST small objects, kept by the session they are given to. */
function ballast() {
  const kept = [];
  for (let i = 0; i < BALLAST; i++) kept.push({ i, a: null, b: null });
  return kept;
}

/**
 * Loads `client` (a name of src/clients/registry.ts) from the built bench and starts the load
 * server. Returns `open(count)`, which resolves with the sessions once every one is ready, `pace()`, which
 * resolves once every session has its response, and `stop()`.
 */
export async function pacedSessions(client) {
  const dist = new URL('../dist/', import.meta.url);
  // tsup names the client chunks by content hash: find this client's, and call its loader as
  // src/clients/registry.ts does
  const [prefix, loader, ...args] = {
    voxwire: ['voxwire', 'load', 'listener'],
    'voxwire-iterator': ['voxwire', 'load', 'iterator'],
    'agents-transport': ['agents', 'loadTransport'],
    'agents-session': ['agents', 'loadSession'],
  }[client] ?? [client, 'load'];
  const file = readdirSync(dist).find((f) => f.startsWith(`${prefix}-`) && f.endsWith('.mjs'));
  if (!file) throw new Error(`no dist chunk for client ${client}: build the bench first`);
  const bench = await (await import(new URL(file, dist).href))[loader](...args);
  const server = fork(new URL('server.mjs', dist), [], {
    env: { ...process.env, BENCH_DELTAS: '100' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise((resolve) => server.once('message', (m) => resolve(m.port)));
  let done = 0;
  const open = [];
  return {
    async open(count) {
      for (let first = 0; first < count; first += 50) {
        const batch = [];
        for (let i = first; i < Math.min(count, first + 50); i++)
          batch.push(
            bench.open({ host: '127.0.0.1', port }, `bench.pace.${i}`, {
              onAudio() {},
              onResponseDone() {
                done++;
              },
            }),
          );
        await Promise.all(batch.map((s) => s.ready));
        for (const s of batch) s.ballast = ballast();
        open.push(...batch);
        if (OPEN_GAP_MS > 0) await new Promise((resolve) => setTimeout(resolve, OPEN_GAP_MS));
      }
      return open;
    },
    async pace() {
      server.send({
        cmd: 'pace',
        t0: performance.timeOrigin + performance.now() + 300,
        periodMs: 100,
        chunks: 50,
        sessions: open.length,
      });
      while (done < open.length) await new Promise((resolve) => setTimeout(resolve, 100));
    },
    async stop() {
      await Promise.allSettled(open.map((s) => s.close()));
      server.send({ cmd: 'stop' });
    },
  };
}
