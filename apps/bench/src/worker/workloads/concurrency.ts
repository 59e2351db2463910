/**
 * Concurrency: many sessions in one process, each receiving one response paced in real time by
 * the load server. Delivery lag of a chunk = the wall-clock moment it reached the application
 * minus the moment the schedule made it due, so a client that falls behind shows growing lag.
 * @module
 */
import { getHeapSpaceStatistics } from 'node:v8';
import type { BenchClient, ClientSession } from '../../clients/types.js';
import { wallNow, type WorkloadResult } from '../../ipc.js';
import { quantileSorted } from '../../stats.js';
import type { ConcurrencyJob } from '../jobs.js';
import { cpuSince, profileWindow, nextCommand, peakRss, Until } from '../measure.js';

/** Run the concurrency workload. */
export async function runConcurrency(
  client: BenchClient,
  job: ConcurrencyJob,
): Promise<WorkloadResult> {
  const n = job.sessions;
  const lags = new Float64Array(n * job.chunks);
  const counts = new Int32Array(n);
  let received = 0;
  let responsesDone = 0;
  let t0 = Number.POSITIVE_INFINITY;
  const slot = job.periodMs / n;
  const finished = new Until(() => received >= n * job.chunks && responsesDone >= n);

  global.gc?.();
  const before = process.memoryUsage();
  const rssBefore = before.rss;
  const sessions: ClientSession[] = [];
  const setupStart = performance.now();
  for (let first = 0; first < n; first += job.setupParallelism) {
    const batch: ClientSession[] = [];
    for (let i = first; i < Math.min(n, first + job.setupParallelism); i++) {
      batch.push(
        client.open(job.server, `bench.pace.${i}`, {
          onAudio: () => {
            const k = counts[i]!++;
            lags[received++] = wallNow() - (t0 + i * slot + k * job.periodMs);
            finished.poke();
          },
          onResponseDone: () => {
            responsesDone++;
            finished.poke();
          },
        }),
      );
    }
    await Promise.all(batch.map((s) => s.ready));
    sessions.push(...batch);
  }
  const setupMs = performance.now() - setupStart;
  const rssAfterSetup = process.memoryUsage().rss;

  process.send?.({ type: 'ready' });
  t0 = (await nextCommand('start')).t0;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, t0 - wallNow())));
  const stopProfile = await profileWindow(`concurrency-${client.name}`);
  const cpu0 = process.cpuUsage();
  const w0 = wallNow();
  let rssPeak = process.memoryUsage().rss;
  // what the heap looked like at the peak: which space grew (JSON only, for tuning rounds)
  let atPeak = { newSpace: 0, oldSpace: 0, external: 0 };
  // Sampling, not a timed assertion: RSS of one process has no event to wait on.
  const sampler = setInterval(() => {
    const memory = process.memoryUsage();
    if (memory.rss <= rssPeak) return;
    rssPeak = memory.rss;
    const spaces = getHeapSpaceStatistics();
    const size = (name: string): number =>
      spaces.find((s) => s.space_name === name)?.space_size ?? 0;
    atPeak = {
      newSpace: size('new_space'),
      oldSpace: size('old_space'),
      external: memory.external,
    };
  }, 200);
  const deadline = t0 + job.chunks * job.periodMs + job.periodMs + job.graceMs;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    finished.wait().then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), deadline - wallNow());
    }),
  ]);
  clearTimeout(timer);
  clearInterval(sampler);
  const wallMs = wallNow() - w0;
  const cpuUs = cpuSince(cpu0);
  await stopProfile();
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  const sorted = lags.slice(0, received).sort();
  // What the open sessions keep (heap + array buffers) once the streaming garbage is collected:
  // it separates retained state from the dead audio buffers that make up most of the RSS peak.
  // Not `external`: V8 updates that counter lazily after a collection (it still counted ~17 MB of
  // freed audio buffers right after one at 1000 sessions, and fell once the event loop had
  // turned), while `arrayBuffers` is current. Taken after every RSS figure, so it cannot change them.
  // Two collections a turn apart: what the first leaves to finalise (weak callbacks, the last
  // frames' promise jobs) goes in the second; one alone left 14 KiB/session more in 1 run of 3.
  global.gc?.();
  await new Promise((resolve) => setImmediate(resolve));
  global.gc?.();
  const after = process.memoryUsage();
  const retained = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
  await Promise.allSettled(sessions.map((s) => s.close()));
  return {
    metrics: {
      sessions: n,
      chunksExpected: n * job.chunks,
      chunksReceived: received,
      complete: timedOut ? 0 : 1,
      cpuPercent: (cpuUs / 1000 / wallMs) * 100,
      lagP50Ms: quantileSorted(sorted, 0.5),
      lagP99Ms: quantileSorted(sorted, 0.99),
      lagMaxMs: quantileSorted(sorted, 1),
      rssPerSessionBytes: (rssPeak - rssBefore) / n,
      // the whole process (library import included) per session: the figure a user sizing a
      // host reads; the marginal one above charges a library nothing for a heavy import
      rssProcessPerSessionBytes: rssPeak / n,
      peakNewSpaceBytes: atPeak.newSpace,
      peakOldSpaceBytes: atPeak.oldSpace,
      peakExternalBytes: atPeak.external,
      rssSetupPerSessionBytes: (rssAfterSetup - rssBefore) / n,
      retainedPerSessionBytes: retained / n,
      setupMsPerSession: setupMs / n,
    },
    peakRssBytes: peakRss(),
  };
}
