// What the heap does while N paced sessions of one client stream (PROFILE.md round 7): prints
// process memory and V8's space sizes before the first session, after the setup, at the RSS
// peak of the stream, and after full collections. Run it under V8's GC traces to see every
// mark-compact and the old-generation limit V8 sets after each one:
//   node --expose-gc --trace-gc --trace-gc-verbose scripts/gc-trace.mjs voxwire 1000 \
//     | grep -E '^(before|setup|peak|after)|Mark-Compact|HeapController'
// (after `pnpm --filter @voxwire/bench build`). Clients: the names of src/clients/registry.ts.
// The load server runs in its own process (its trace lines carry another pid).
// Each snapshot also splits RSS by mapping (Linux `/proc/self/smaps`): `cHeap` is malloc's heap,
// where Node keeps Buffer and ArrayBuffer bytes (freed chunks stay resident: its high-water
// mark), `anon` V8's pages and malloc's large chunks, `file` the mapped binary and libraries.
// The peak line counts the stream's scavenges and mark-compacts, and gives the external memory's
// peak sampled every 5 ms (PROFILE.md round 20).
import { readFileSync } from 'node:fs';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { pacedSessions } from './paced-sessions.mjs';

const [client = 'voxwire', count = '1000'] = process.argv.slice(2);
const sessions = Number(count);
const probe = await pacedSessions(client);

const mib = (bytes) => +(bytes / 1048576).toFixed(1);

/** Resident MiB by kind of mapping; `null` off Linux. */
function mappings() {
  let text;
  try {
    text = readFileSync('/proc/self/smaps', 'utf8');
  } catch {
    return null;
  }
  const kib = { cHeap: 0, anon: 0, file: 0, other: 0 };
  let kind = 'other';
  for (const line of text.split('\n')) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (mapping) {
      const name = mapping[1];
      kind =
        name === '[heap]'
          ? 'cHeap'
          : name === ''
            ? 'anon'
            : name.startsWith('/')
              ? 'file'
              : 'other';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) kib[kind] += Number(rss[1]);
  }
  return Object.fromEntries(Object.entries(kib).map(([k, v]) => [k, +(v / 1024).toFixed(1)]));
}
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
    mappings: mappings(),
  };
}

globalThis.gc();
const before = snapshot();
console.log('before', JSON.stringify(before));
await probe.open(sessions);
console.log('setup ', JSON.stringify(snapshot()));
const collections = { scavenges: 0, markCompacts: 0 };
const gcs = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.detail.kind === constants.NODE_PERFORMANCE_GC_MINOR) collections.scavenges++;
    else if (entry.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) collections.markCompacts++;
  }
});
gcs.observe({ entryTypes: ['gc'] });
const paced = probe.pace();
let peak = snapshot();
let peakExternal = 0;
const sampler = setInterval(() => {
  const s = snapshot();
  if (s.rss > peak.rss) peak = s;
}, 100);
const externalSampler = setInterval(() => {
  peakExternal = Math.max(peakExternal, process.memoryUsage().external);
}, 5);
await paced;
clearInterval(sampler);
clearInterval(externalSampler);
gcs.disconnect();
const perSession = (((peak.rss - before.rss) * 1024) / sessions).toFixed(1);
console.log(
  'peak  ',
  JSON.stringify(peak),
  `RSS/session ${perSession} KiB`,
  JSON.stringify({ ...collections, peakExternal: mib(peakExternal) }),
);
globalThis.gc();
await new Promise((resolve) => setTimeout(resolve, 1000));
globalThis.gc();
console.log('after ', JSON.stringify(snapshot()), '(two full collections a second apart)');
await probe.stop();
process.exit(0);
