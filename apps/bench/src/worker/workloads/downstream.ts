/**
 * Downstream burst: ask for a response, take every audio chunk through the library's API, wait
 * for the response to end and for its last chunk to reach the application, repeat.
 * @module
 */
import { BenchClientError, type BenchClient } from '../../clients/types.js';
import type { WorkloadResult } from '../../ipc.js';
import { DELTA_PCM_BYTES, framesPerResponse } from '../../wire/events.js';
import type { DownstreamJob } from '../jobs.js';
import { cpuSince, profileWindow, peakRss, Until } from '../measure.js';

/** Run the downstream burst workload. */
export async function runDownstream(
  client: BenchClient,
  job: DownstreamJob,
): Promise<WorkloadResult> {
  let chunks = 0;
  let bytes = 0;
  let responsesDone = 0;
  let target = 0;
  const finished = new Until(() => responsesDone >= target && chunks >= target * job.deltas);
  const session = client.open(job.server, 'bench.burst.0', {
    onAudio: (n) => {
      chunks++;
      bytes += n;
      finished.poke();
    },
    onResponseDone: () => {
      responsesDone++;
      finished.poke();
    },
  });
  await session.ready;
  const one = async (): Promise<void> => {
    target++;
    session.requestResponse();
    await finished.wait();
  };
  for (let i = 0; i < job.warmup; i++) await one();
  const chunks0 = chunks;
  const bytes0 = bytes;
  const stopProfile = await profileWindow(`downstream-${client.name}`);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < job.responses; i++) await one();
  const wallMs = performance.now() - t0;
  const cpuUs = cpuSince(cpu0);
  await stopProfile();
  const gotChunks = chunks - chunks0;
  const gotBytes = bytes - bytes0;
  if (gotChunks !== job.responses * job.deltas || gotBytes !== gotChunks * DELTA_PCM_BYTES) {
    throw new BenchClientError(
      'CLIENT_FAILED',
      `${client.name} delivered ${gotChunks} chunks / ${gotBytes} bytes, expected ${job.responses * job.deltas} / ${job.responses * job.deltas * DELTA_PCM_BYTES}`,
    );
  }
  await session.close();
  const events = job.responses * framesPerResponse(job.deltas);
  return {
    metrics: {
      events,
      wallMs,
      cpuUs,
      eventsPerSec: events / (wallMs / 1000),
      cpuUsPerEvent: cpuUs / events,
      cpuUsPerAudioChunk: cpuUs / gotChunks,
    },
    peakRssBytes: peakRss(),
  };
}
