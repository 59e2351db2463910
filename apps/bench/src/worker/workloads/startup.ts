/**
 * Import cost and per-session setup time, in a process that has loaded nothing else.
 * @module
 */
import { loadClient } from '../../clients/registry.js';
import type { WorkloadResult } from '../../ipc.js';
import { summarize } from '../../stats.js';
import type { StartupJob } from '../jobs.js';
import { cpuSince, peakRss } from '../measure.js';

const noHooks = { onAudio: () => undefined, onResponseDone: () => undefined };

/** Run the startup workload (it loads the client itself: that is what it measures). */
export async function runStartup(job: StartupJob): Promise<WorkloadResult> {
  const rss0 = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const client = await loadClient(job.client);
  const importMs = performance.now() - t0;
  const importCpuUs = cpuSince(cpu0);
  const rssAfterImport = process.memoryUsage().rss;

  const t1 = performance.now();
  const first = client.open(job.server, 'bench.setup.0', noHooks);
  await first.ready;
  const firstSessionMs = performance.now() - t1;

  const times: number[] = [];
  const open = [first];
  for (let i = 1; i <= job.setups; i++) {
    const t = performance.now();
    const s = client.open(job.server, `bench.setup.${i}`, noHooks);
    await s.ready;
    times.push(performance.now() - t);
    open.push(s);
  }
  await Promise.allSettled(open.map((s) => s.close()));
  return {
    metrics: {
      importMs,
      importCpuMs: importCpuUs / 1000,
      importRssBytes: rssAfterImport - rss0,
      firstSessionMs,
      sessionSetupMs: summarize(times)?.median ?? Number.NaN,
    },
    peakRssBytes: peakRss(),
  };
}
