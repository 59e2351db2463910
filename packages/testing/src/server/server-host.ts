/**
 * The {@link ConnectionHost} a fake server gives each of its connections: its options, clock and
 * ids, its fault rules, its script (which handler answers, what a turn said), its log of client
 * events, and the token budget its `rate_limits.updated` reports.
 * @module
 */
import type { Clock, IdGenerator } from '@voxwire/protocol';
import type { ClientExpectations } from './client-expectations.js';
import type { ConnectionHost, FakeConnection } from './connection.js';
import type { FakeServerOptions } from './fake-server-options.js';
import type { FaultInjector } from './faults.js';
import { KEEP_APPENDED_AUDIO_MS } from './retention.js';
import type { ScriptQueue } from './script-queue.js';
import type { TokenBudget } from './token-budget.js';

/** The server's parts a connection host is made of. */
export interface ServerHostParts {
  readonly clock: Clock;
  readonly options: FakeServerOptions;
  readonly newId: IdGenerator;
  readonly faults: FaultInjector;
  readonly script: ScriptQueue;
  readonly expectations: ClientExpectations;
  readonly handlerErrors: unknown[];
  /** The server's token budget, one for all its connections (made at the first response). */
  budget(): TokenBudget;
  /** A connection closed: the server settles what waited on it. */
  connectionClosed(conn: FakeConnection): void;
}

/** The host of one connection of a fake server. */
export function serverHost(parts: ServerHostParts): ConnectionHost {
  const { clock, options, script } = parts;
  return {
    clock,
    pacing: options.pacing ?? {},
    vadEnergyScale: options.vadEnergyScale ?? 0.05,
    transcriptionDeltaCount: options.transcriptionDeltas,
    transcriptionDelayMs: options.transcriptionDelayMs ?? 0,
    recordAudioAppends: options.recordAudioAppends ?? true,
    keepAppendedAudioMs: options.keepAppendedAudioMs ?? KEEP_APPENDED_AUDIO_MS,
    newId: (p) => parts.newId(p),
    faultRules: () => parts.faults.rules,
    refusals: () => parts.faults.refusals,
    faultFired: (rule) => parts.faults.markFired(rule),
    takeHandler: (conn, request) => script.handlerFor(conn, request),
    handlerRunning: (conn, request, ended) =>
      script.ledger.running(request, conn.index, clock.now(), ended),
    hear: (samples, rate, itemId, spoken) => script.hear(samples, rate, itemId, spoken),
    recordClientEvent: (_conn, event) => parts.expectations.record(event),
    replaceClientEvent: (at, old, next) => parts.expectations.replace(at, old, next),
    reportHandlerError: (error) => parts.handlerErrors.push(error),
    connectionClosed: (conn) => parts.connectionClosed(conn),
    rateLimits: (tokens, dialect) => {
      const { limit, remaining, resetSeconds } = parts.budget().spend(tokens);
      const tokenLimit = { name: 'tokens', limit, remaining, reset_seconds: resetSeconds };
      // beta-era servers listed requests too; GA lists tokens only (§4.10)
      return dialect === 'beta'
        ? [{ name: 'requests', limit: 5000, remaining: 4999, reset_seconds: 0.012 }, tokenLimit]
        : [tokenLimit];
    },
  };
}
