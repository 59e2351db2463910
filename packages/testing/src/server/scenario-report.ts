/**
 * The accounting of `server.assertComplete()`: every part of a scenario that was set up and not
 * used (expectations, scripted responses and transcriptions, fault rules, handlers that threw or
 * still run, responses nothing scripted under `unscripted: 'fail'`), then the notes that may
 * explain it, gathered into one {@link IncompleteScenarioError}.
 * @module
 */
import { IncompleteScenarioError } from '../errors.js';
import type { ClientExpectations } from './client-expectations.js';
import type { FakeConnection } from './connection.js';
import type { FaultInjector } from './faults.js';
import { describeOpenTurn } from './open-turn.js';
import type { ScriptQueue } from './script-queue.js';

/** What a fake server's scenario consists of, for {@link incompleteScenario}. */
export interface ScenarioParts {
  readonly expectations: ClientExpectations;
  readonly script: ScriptQueue;
  readonly faults: FaultInjector;
  readonly handlerErrors: readonly unknown[];
  readonly connections: readonly FakeConnection[];
  /** The server clock's time now, for how long a handler has run. */
  readonly now: number;
  /** Whether responses nothing scripted fail the scenario (`unscripted: 'fail'`). */
  readonly strictUnscripted: boolean;
}

/**
 * The error `assertComplete()` throws, or `undefined` when the scenario is complete. The
 * pending lines come in a fixed order (expectations first, the way a reader debugs); the notes
 * (a VAD turn still open, the responses the demo agent answered in a scenario that scripts
 * responses) are added only when something is pending.
 */
export function incompleteScenario(parts: ScenarioParts): IncompleteScenarioError | undefined {
  const { expectations, script, strictUnscripted } = parts;
  const pending = [
    ...expectations.describeRejected(),
    ...expectations.describePending(),
    ...script.unusedLines(),
    ...parts.faults.neverFired(),
    ...parts.handlerErrors.map(
      (e) => `a response handler threw: ${e instanceof Error ? e.message : String(e)}`,
    ),
    ...script.ledger.describeRunning(parts.now),
    ...(strictUnscripted ? script.ledger.describeUnscripted() : []),
  ];
  if (!pending.length) return undefined;
  const notes = [
    ...parts.connections.flatMap((c) => describeOpenTurn(c) ?? []),
    ...(!strictUnscripted && script.scriptsResponses ? script.ledger.noteUnscripted() : []),
  ];
  return new IncompleteScenarioError(pending, notes);
}
