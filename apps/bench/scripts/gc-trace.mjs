// What the heap does while N paced sessions of one client stream (PROFILE.md round 7): prints
// process memory and V8's space sizes before the first session, after the setup, at the RSS
// peak of the stream, and after full collections. Run it under V8's GC traces to see every
// mark-compact and the old-generation limit V8 sets after each one:
//   node --expose-gc --trace-gc --trace-gc-verbose scripts/gc-trace.mjs voxwire 1000 \
//     | grep -E '^(before|setup|peak|after)|Mark-Compact|HeapController'
// (after `pnpm --filter @voxwire/bench build`). Clients: the names of src/clients/registry.ts.
// The load server runs in its own process (its trace lines carry another pid).
import { fork } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

const [client = 'voxwire', count = '1000'] = process.argv.slice(2);
const sessions = Number(count);
const dist = new URL('../dist/', import.meta.url);
// tsup names the client chunks by content hash: find this client's
const file = readdirSync(dist).find(
  (f) => f.startsWith(`${client.split('-iterator')[0]}-`) && f.endsWith('.mjs'),
);
if (!file) throw new Error(`no dist chunk for client ${client}: build the bench first`);
const mod = await import(new URL(file, dist).href);
const bench = client === 'voxwire' ? await mod.load('listener') : await mod.load();

const server = fork(new URL('server.mjs', dist), [], {
  env: { ...process.env, BENCH_DELTAS: '100' },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const port = await new Promise((resolve) => server.once('message', (m) => resolve(m.port)));

const mib = (bytes) => +(bytes / 1048576).toFixed(1);
function snapshot() {
  const m = process.memoryUsage();
  const spaces = Object.fromEntries(
    getHeapSpaceStatistics().map((s) => [s.space_name.replace('_space', ''), mib(s.space_size)]),
  );
  return {
    rss: mib(m.rss),
    heapUsed: mib(m.heapUsed),
    arrayBuffers: mib(m.arrayBuffers),
    new: spaces.new,
    old: spaces.old,
    largeObject: spaces.large_object,
    code: spaces.code,
    external: mib(m.external),
    malloced: mib(getHeapStatistics().malloced_memory),
    physical: mib(getHeapStatistics().total_physical_size),
  };
}

globalThis.gc();
const before = snapshot();
console.log('before', JSON.stringify(before));
let done = 0;
const open = [];
// in batches of 50, as the bench's concurrency workload opens them
for (let first = 0; first < sessions; first += 50) {
  const batch = [];
  for (let i = first; i < Math.min(sessions, first + 50); i++)
    batch.push(
      bench.open({ host: '127.0.0.1', port }, `bench.pace.${i}`, {
        onAudio() {},
        onResponseDone() {
          done++;
        },
      }),
    );
  await Promise.all(batch.map((s) => s.ready));
  open.push(...batch);
}
console.log('setup ', JSON.stringify(snapshot()));
server.send({
  cmd: 'pace',
  t0: performance.timeOrigin + performance.now() + 300,
  periodMs: 100,
  chunks: 50,
  sessions,
});
let peak = snapshot();
const sampler = setInterval(() => {
  const s = snapshot();
  if (s.rss > peak.rss) peak = s;
}, 100);
while (done < sessions) await new Promise((resolve) => setTimeout(resolve, 100));
clearInterval(sampler);
const perSession = (((peak.rss - before.rss) * 1024) / sessions).toFixed(1);
console.log('peak  ', JSON.stringify(peak), `RSS/session ${perSession} KiB`);
globalThis.gc();
await new Promise((resolve) => setTimeout(resolve, 1000));
globalThis.gc();
console.log('after ', JSON.stringify(snapshot()), '(two full collections a second apart)');
await Promise.allSettled(open.map((s) => s.close()));
server.send({ cmd: 'stop' });
process.exit(0);
