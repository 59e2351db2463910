/**
 * Child processes: the load server and one client process per job, with the orchestrator
 * brokering their IPC (pace start, upstream completion).
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerAddress } from '../clients/types.js';
import {
  wallNow,
  type ServerCommand,
  type ServerReply,
  type WorkerCommand,
  type WorkerReply,
  type WorkloadResult,
} from '../ipc.js';
import type { PacerReport } from '../server/pacer.js';
import type { Job } from '../worker/jobs.js';

/** How long a worker that reported may take to exit (and write its CPU profile), ms. */
const EXIT_GRACE_MS = 15_000;

const distFile = (name: string): string => fileURLToPath(new URL(`./${name}`, import.meta.url));

/** A failed job: the client crashed, timed out, or reported an error. */
export class JobFailedError extends Error {
  readonly code = 'JOB_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'JobFailedError';
  }
}

/** The running load server. */
export class LoadServer {
  readonly #child: ChildProcess;
  readonly #waiters: { type: ServerReply['type']; resolve: (m: ServerReply) => void }[] = [];
  readonly address: ServerAddress;

  private constructor(child: ChildProcess, port: number) {
    this.#child = child;
    this.address = { host: '127.0.0.1', port };
    child.on('message', (m: ServerReply) => {
      const i = this.#waiters.findIndex((w) => w.type === m.type || m.type === 'server-error');
      if (i >= 0) this.#waiters.splice(i, 1)[0]!.resolve(m);
    });
  }

  /** Start the server process and wait until it listens. */
  static start(deltas: number): Promise<LoadServer> {
    const child = fork(distFile('server.mjs'), [], {
      env: { ...process.env, BENCH_DELTAS: String(deltas) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) =>
        reject(new JobFailedError(`load server exited with ${code} before listening`)),
      );
      child.once('message', (m: ServerReply) => {
        if (m.type === 'listening') resolve(new LoadServer(child, m.port));
        else reject(new JobFailedError(`load server said ${m.type} before listening`));
      });
    });
  }

  send(command: ServerCommand): void {
    this.#child.send(command);
  }

  /** The next reply of `type` (or a server-error, which rejects). */
  next<T extends ServerReply['type']>(type: T): Promise<Extract<ServerReply, { type: T }>> {
    return new Promise((resolve, reject) => {
      this.#waiters.push({
        type,
        resolve: (m) =>
          m.type === 'server-error'
            ? reject(new JobFailedError(m.message))
            : resolve(m as Extract<ServerReply, { type: T }>),
      });
    });
  }

  /** Drop pending waiters (after a failed job, so a late reply cannot satisfy the next job). */
  clearWaiters(): void {
    this.#waiters.length = 0;
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.send({ cmd: 'stop' });
    await exited;
  }
}

/** Options of one client process. */
export interface RunJobOptions {
  /** Extra node flags (e.g. `--cpu-prof`). @default [] */
  readonly execArgv?: readonly string[];
  /** Kill the process after this long, ms. */
  readonly timeoutMs: number;
  /** Extra environment variables for the worker. @default none */
  readonly env?: Readonly<Record<string, string>>;
}

/** What a concurrency job adds: the server's own lateness. */
export interface JobOutcome {
  readonly result: WorkloadResult;
  readonly pacer?: PacerReport;
}

/** Run one job in a fresh client process. */
export async function runJob(
  server: LoadServer,
  job: Job,
  options: RunJobOptions,
): Promise<JobOutcome> {
  if (job.workload === 'upstream') server.send({ cmd: 'expect-upstream', bytes: job.frames * 960 });
  const child = fork(distFile('worker.mjs'), [JSON.stringify(job)], {
    execArgv: [...(options.execArgv ?? [])],
    ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    if (stderr.length < 4000) stderr += d.toString();
  });
  const tell = (m: WorkerCommand): void => {
    if (child.connected) child.send(m);
  };
  let pacerDone: Promise<PacerReport> | undefined;
  if (job.workload === 'upstream') {
    void server.next('upstream-complete').then(
      (m) => tell({ type: 'upstream-complete', at: m.at, bytes: m.bytes }),
      () => undefined,
    );
  }
  try {
    const result = await new Promise<WorkloadResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(
          new JobFailedError(
            `${job.client} ${job.workload} timed out after ${options.timeoutMs} ms`,
          ),
        );
      }, options.timeoutMs);
      child.on('message', (m: WorkerReply) => {
        if (m.type === 'result') {
          clearTimeout(timer);
          resolve(m.result);
        } else if (m.type === 'failed') {
          clearTimeout(timer);
          reject(new JobFailedError(m.message));
        } else if (m.type === 'ready' && job.workload === 'concurrency') {
          const t0 = wallNow() + 500;
          const started = server.next('pace-started');
          pacerDone = server.next('pace-done').then((d) => d.report);
          pacerDone.catch(() => undefined);
          server.send({
            cmd: 'pace',
            t0,
            periodMs: job.periodMs,
            chunks: job.chunks,
            sessions: job.sessions,
          });
          started.then(
            () => tell({ type: 'start', t0 }),
            (error: unknown) => {
              clearTimeout(timer);
              child.kill('SIGKILL');
              reject(error);
            },
          );
        }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        reject(
          new JobFailedError(
            `${job.client} ${job.workload} exited (${signal ?? code}) without a result${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`,
          ),
        );
      });
    });
    const pacer = pacerDone ? await pacerDone : undefined;
    return pacer ? { result, pacer } : { result };
  } catch (error) {
    server.clearWaiters();
    throw error;
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      // A worker exits by itself right after reporting, and `--cpu-prof` writes its profile during
      // that exit: give it time before killing it.
      const exited = new Promise((resolve) => child.once('exit', resolve));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        exited,
        new Promise((resolve) => (timer = setTimeout(resolve, EXIT_GRACE_MS))),
      ]);
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    }
  }
}
