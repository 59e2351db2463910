/**
 * Messages between the orchestrator, the load server and the client processes (Node IPC
 * channels of `fork`). The orchestrator is the broker: the server and the clients never talk
 * except over the WebSocket under test.
 * @module
 */
import type { PacerReport } from './server/pacer.js';

/** Orchestrator → load server. */
export type ServerCommand =
  | { readonly cmd: 'expect-upstream'; readonly bytes: number }
  | {
      readonly cmd: 'pace';
      readonly t0: number;
      readonly periodMs: number;
      readonly chunks: number;
      readonly sessions: number;
    }
  | { readonly cmd: 'stop' };

/** Load server → orchestrator. */
export type ServerReply =
  | { readonly type: 'listening'; readonly port: number }
  | {
      readonly type: 'upstream-complete';
      readonly at: number;
      readonly appends: number;
      readonly bytes: number;
    }
  | { readonly type: 'pace-started'; readonly sessions: number }
  | { readonly type: 'pace-done'; readonly report: PacerReport }
  | { readonly type: 'server-error'; readonly message: string };

/** Orchestrator → client process. */
export type WorkerCommand =
  | { readonly type: 'start'; readonly t0: number }
  | { readonly type: 'upstream-complete'; readonly at: number; readonly bytes: number };

/** Client process → orchestrator. */
export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'result'; readonly result: WorkloadResult }
  | { readonly type: 'failed'; readonly message: string };

/** What every workload reports, plus its own figures. */
export interface WorkloadResult {
  /** Workload-specific numbers (names documented in README.md). */
  readonly metrics: Record<string, number>;
  /** Process-lifetime peak RSS, bytes (`process.resourceUsage().maxRSS`). */
  readonly peakRssBytes: number;
}

/** Wall-clock milliseconds comparable across processes on one machine. */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}
