// What the heap does while N paced sessions of one client stream (PROFILE.md round 7): prints
// process memory and V8's space sizes before the first session, after the setup, at the RSS
// peak of the stream, and after full collections. Run it under V8's GC traces to see every
// mark-compact and the old-generation limit V8 sets after each one:
//   node --expose-gc --trace-gc --trace-gc-verbose scripts/gc-trace.mjs voxwire 1000 \
//     | grep -E '^(before|setup|peak|after)|Mark-Compact|HeapController'
// (after `pnpm --filter @voxwire/bench build`). Clients: the names of src/clients/registry.ts.
// The load server runs in its own process (its trace lines carry another pid).
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { pacedSessions } from './paced-sessions.mjs';

const [client = 'voxwire', count = '1000'] = process.argv.slice(2);
const sessions = Number(count);
const probe = await pacedSessions(client);

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
await probe.open(sessions);
console.log('setup ', JSON.stringify(snapshot()));
const paced = probe.pace();
let peak = snapshot();
const sampler = setInterval(() => {
  const s = snapshot();
  if (s.rss > peak.rss) peak = s;
}, 100);
await paced;
clearInterval(sampler);
const perSession = (((peak.rss - before.rss) * 1024) / sessions).toFixed(1);
console.log('peak  ', JSON.stringify(peak), `RSS/session ${perSession} KiB`);
globalThis.gc();
await new Promise((resolve) => setTimeout(resolve, 1000));
globalThis.gc();
console.log('after ', JSON.stringify(snapshot()), '(two full collections a second apart)');
await probe.stop();
process.exit(0);
