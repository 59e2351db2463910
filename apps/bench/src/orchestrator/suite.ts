/**
 * The run: start the load server, then for each workload and repetition run every client in its
 * own process, in alternating order, and collect medians' raw material.
 * @module
 */
import os from 'node:os';
import type { ClientName } from '../clients/types.js';
import type { Job } from '../worker/jobs.js';
import { orderFor, type BenchConfig, type Workload } from './config.js';
import { LoadServer, runJob, type JobOutcome } from './processes.js';
import {
  addFailure,
  addRepetition,
  addSample,
  capacityStep,
  type CapacityStep,
  type RunResults,
} from './results.js';

/** Progress output (stderr), one line per job. */
export type Log = (line: string) => void;

function fmt(metrics: Record<string, number>, keys: readonly string[]): string {
  return keys
    .map(
      (k) =>
        `${k}=${Number.isInteger(metrics[k]) ? metrics[k] : (metrics[k] ?? Number.NaN).toFixed(2)}`,
    )
    .join(' ');
}

const SHOWN: Record<Job['workload'], readonly string[]> = {
  startup: ['importMs', 'firstSessionMs', 'sessionSetupMs'],
  downstream: ['eventsPerSec', 'cpuUsPerEvent'],
  upstream: ['framesPerSec', 'cpuUsPerFrame'],
  concurrency: ['cpuPercent', 'lagP99Ms', 'rssPerSessionBytes', 'complete'],
};

/** Run everything the config asks for. */
export async function runSuite(
  config: BenchConfig,
  mode: 'full' | 'quick',
  log: Log,
): Promise<RunResults> {
  const started = performance.now();
  const results: RunResults = {
    startedAt: new Date().toISOString(),
    mode,
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    clients: config.clients,
    samples: {},
    failures: {},
    capacity: {},
    durationMs: 0,
  };
  const server = await LoadServer.start(config.deltas);
  const address = server.address;

  // `repetition`: the round of the alternating order, for ratios taken repetition by repetition
  const attempt = async (
    key: string,
    job: Job,
    label: string,
    repetition?: number,
  ): Promise<JobOutcome | undefined> => {
    try {
      const outcome = await runJob(server, job, {
        timeoutMs: config.jobTimeoutMs,
        execArgv: job.workload === 'concurrency' ? ['--expose-gc'] : [],
      });
      addSample(results, key, job.client, outcome.result.metrics);
      addSample(results, key, job.client, { peakRssBytes: outcome.result.peakRssBytes });
      if (repetition !== undefined)
        addRepetition(results, key, job.client, repetition, {
          ...outcome.result.metrics,
          peakRssBytes: outcome.result.peakRssBytes,
        });
      log(`${label} ${job.client}: ${fmt(outcome.result.metrics, SHOWN[job.workload])}`);
      return outcome;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      addFailure(results, key, job.client, message);
      log(`${label} ${job.client}: FAILED ${message}`);
      return undefined;
    }
  };

  const concurrencyJob = (client: ClientName, sessions: number): Job => ({
    workload: 'concurrency',
    client,
    server: address,
    sessions,
    chunks: config.chunks,
    periodMs: 100,
    setupParallelism: config.setupParallelism,
    graceMs: 2_000,
  });

  const runs = (workload: Workload): number =>
    config.workloads.includes(workload) ? config.repetitions : 0;
  try {
    for (let r = 0; r < runs('startup'); r++) {
      for (const client of orderFor(config.clients, r)) {
        await attempt(
          'startup',
          { workload: 'startup', client, server: address, setups: config.setups },
          `[startup ${r + 1}/${config.repetitions}]`,
          r,
        );
      }
    }
    for (let r = 0; r < runs('downstream'); r++) {
      for (const client of orderFor(config.clients, r)) {
        await attempt(
          'downstream',
          {
            workload: 'downstream',
            client,
            server: address,
            responses: config.responses,
            warmup: config.warmup,
            deltas: config.deltas,
          },
          `[downstream ${r + 1}/${config.repetitions}]`,
          r,
        );
      }
    }
    for (let r = 0; r < runs('upstream'); r++) {
      for (const client of orderFor(config.clients, r)) {
        await attempt(
          'upstream',
          {
            workload: 'upstream',
            client,
            server: address,
            frames: config.frames,
            batch: config.batch,
          },
          `[upstream ${r + 1}/${config.repetitions}]`,
          r,
        );
      }
    }
    // Every client at the fixed sizes; a size counts as kept up only if every repetition kept up.
    const steps = new Map<ClientName, Map<number, CapacityStep>>();
    const record = (client: ClientName, step: CapacityStep): void => {
      const byClient = steps.get(client) ?? new Map<number, CapacityStep>();
      steps.set(client, byClient);
      const prev = byClient.get(step.sessions);
      byClient.set(
        step.sessions,
        prev
          ? {
              ...step,
              keptUp: prev.keptUp && step.keptUp,
              lagP99Ms: Math.max(prev.lagP99Ms ?? 0, step.lagP99Ms ?? 0),
              ...((prev.note ?? step.note) ? { note: prev.note ?? step.note } : {}),
            }
          : step,
      );
    };
    const concurrencySizes = config.workloads.includes('concurrency') ? config.concurrency : [];
    for (const sessions of concurrencySizes) {
      for (let r = 0; r < config.concurrencyRepetitions; r++) {
        for (const client of orderFor(config.clients, r)) {
          const outcome = await attempt(
            `concurrency@${sessions}`,
            concurrencyJob(client, sessions),
            `[concurrency ${sessions} ${r + 1}/${config.concurrencyRepetitions}]`,
            r,
          );
          record(
            client,
            outcome
              ? capacityStep(sessions, outcome.result.metrics, outcome.pacer, config.lagBudgetMs)
              : { sessions, keptUp: false, note: 'failed' },
          );
        }
      }
    }
    // Capacity search: upwards while the client keeps up with the largest measured size;
    // otherwise the fallback count, when it lies between what it kept up with and what it did not.
    const largest = Math.max(...config.concurrency);
    for (const client of concurrencySizes.length > 0 ? config.clients : []) {
      const byClient = steps.get(client)!;
      const measured = [...byClient.values()];
      const keptUpTo = Math.max(0, ...measured.filter((s) => s.keptUp).map((s) => s.sessions));
      const behindFrom = Math.min(...measured.filter((s) => !s.keptUp).map((s) => s.sessions));
      const fallback = config.capacityFallback;
      const sizes: number[] = byClient.get(largest)?.keptUp
        ? [...config.capacityLadder]
        : fallback > keptUpTo && fallback < behindFrom
          ? [fallback]
          : [];
      for (const sessions of sizes) {
        const outcome = await attempt(
          `capacity@${sessions}`,
          concurrencyJob(client, sessions),
          `[capacity ${sessions}]`,
        );
        const step = outcome
          ? capacityStep(sessions, outcome.result.metrics, outcome.pacer, config.lagBudgetMs)
          : { sessions, keptUp: false, note: 'failed' };
        record(client, step);
        if (!step.keptUp || step.note === 'server-bound') break;
      }
      results.capacity[client] = [...byClient.values()].sort((a, b) => a.sessions - b.sessions);
    }
  } finally {
    await server.stop();
    results.durationMs = performance.now() - started;
  }
  return results;
}
