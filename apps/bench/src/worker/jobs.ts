/**
 * What the orchestrator asks a client process to do. One job per process, passed as JSON in argv.
 * @module
 */
import type { ClientName, ServerAddress } from '../clients/types.js';

/** Downstream burst: `responses` responses of `deltas` audio deltas, one after the other. */
export interface DownstreamJob {
  readonly workload: 'downstream';
  readonly client: ClientName;
  readonly server: ServerAddress;
  /** Measured responses. */
  readonly responses: number;
  /** Unmeasured responses first (JIT warm-up). */
  readonly warmup: number;
  /** Audio deltas per response (the server's setting, echoed for validation). */
  readonly deltas: number;
}

/** Upstream: `frames` 20 ms frames appended as fast as the client takes them. */
export interface UpstreamJob {
  readonly workload: 'upstream';
  readonly client: ClientName;
  readonly server: ServerAddress;
  readonly frames: number;
  /** Frames appended per event-loop turn (between turns the library may flush its queue). */
  readonly batch: number;
}

/** Concurrency: `sessions` sessions receiving real-time paced audio. */
export interface ConcurrencyJob {
  readonly workload: 'concurrency';
  readonly client: ClientName;
  readonly server: ServerAddress;
  readonly sessions: number;
  /** 100 ms chunks per session. */
  readonly chunks: number;
  readonly periodMs: number;
  /** Sessions opened in parallel during setup. */
  readonly setupParallelism: number;
  /** Extra time after the last due chunk before a session counts as not keeping up, ms. */
  readonly graceMs: number;
}

/** Import cost and per-session setup time, in a fresh process. */
export interface StartupJob {
  readonly workload: 'startup';
  readonly client: ClientName;
  readonly server: ServerAddress;
  /** Sequential session setups timed after the first. */
  readonly setups: number;
}

/** Any job. */
export type Job = DownstreamJob | UpstreamJob | ConcurrencyJob | StartupJob;

/** Workload names. */
export type WorkloadName = Job['workload'];
