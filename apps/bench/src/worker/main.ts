/**
 * A client process: runs one job against the load server and reports over IPC. One process per
 * client and run, so no library's heap, JIT state or leftover handles can touch another's numbers.
 * @module
 */
import { loadClient } from '../clients/registry.js';
import type { WorkerReply } from '../ipc.js';
import type { Job } from './jobs.js';
import { runConcurrency } from './workloads/concurrency.js';
import { runDownstream } from './workloads/downstream.js';
import { runStartup } from './workloads/startup.js';
import { runUpstream } from './workloads/upstream.js';

function send(message: WorkerReply): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) resolve();
    else process.send(message, undefined, undefined, () => resolve());
  });
}

async function run(job: Job): Promise<WorkerReply> {
  if (job.workload === 'startup') return { type: 'result', result: await runStartup(job) };
  const client = await loadClient(job.client);
  switch (job.workload) {
    case 'downstream':
      return { type: 'result', result: await runDownstream(client, job) };
    case 'upstream':
      return { type: 'result', result: await runUpstream(client, job) };
    case 'concurrency':
      return { type: 'result', result: await runConcurrency(client, job) };
  }
}

const job = JSON.parse(process.argv[2] ?? 'null') as Job | null;
if (!job) {
  process.stderr.write('usage: worker.mjs <job JSON> (started by run.mjs)\n');
  process.exit(2);
}
// A library's stray rejection must fail this run loudly, not hang it.
process.on('unhandledRejection', (reason) => {
  void send({
    type: 'failed',
    message: `unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}`,
  }).then(() => process.exit(1));
});
run(job).then(
  // Libraries may keep timers or sockets alive after close: the process is done once it reported.
  async (reply) => {
    await send(reply);
    process.exit(0);
  },
  async (error: unknown) => {
    await send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  },
);
