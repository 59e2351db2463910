/**
 * Upstream: append 20 ms frames as fast as the library takes them, in batches with an event-loop
 * turn between batches (so libraries that queue and flush asynchronously get to flush), until
 * the load server reports it holds every byte.
 * @module
 */
import type { BenchClient } from '../../clients/types.js';
import { wallNow, type WorkloadResult } from '../../ipc.js';
import { FRAME_PCM_BYTES, tonePcm16 } from '../../wire/events.js';
import type { UpstreamJob } from '../jobs.js';
import { cpuSince, profileWindow, nextCommand, peakRss, yieldTurn } from '../measure.js';

/** Distinct frames cycled through, as a microphone would hand over fresh buffers. */
const POOL = 50;

/** Run the upstream workload. */
export async function runUpstream(client: BenchClient, job: UpstreamJob): Promise<WorkloadResult> {
  const pool = Array.from({ length: POOL }, (_, i) =>
    tonePcm16(FRAME_PCM_BYTES, i * (FRAME_PCM_BYTES / 2)),
  );
  const session = client.open(job.server, 'bench.up.0', {
    onAudio: () => undefined,
    onResponseDone: () => undefined,
  });
  await session.ready;
  const complete = nextCommand('upstream-complete');
  const stopProfile = await profileWindow(`upstream-${client.name}`);
  const cpu0 = process.cpuUsage();
  const t0 = wallNow();
  for (let i = 0; i < job.frames; i++) {
    session.appendFrame(pool[i % POOL]!);
    if (i % job.batch === job.batch - 1) await yieldTurn();
  }
  const appendMs = wallNow() - t0;
  const done = await complete;
  const cpuUs = cpuSince(cpu0);
  await stopProfile();
  const wallMs = done.at - t0;
  await session.close();
  return {
    metrics: {
      frames: job.frames,
      wallMs,
      appendMs,
      cpuUs,
      framesPerSec: job.frames / (wallMs / 1000),
      cpuUsPerFrame: cpuUs / job.frames,
    },
    peakRssBytes: peakRss(),
  };
}
