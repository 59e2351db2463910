/**
 * A session on a side-band-like connection over the in-memory fake: the fake keeps one
 * conversation across connections (`conversation: 'persist'`), as a call's session does, and the
 * connector reports `persistentSession` as a side-band connector does (or not, for the contrast).
 * @module
 */
import type { Connector, Logger } from '@voxwire/protocol';
import { createCounterIdGenerator } from '@voxwire/protocol';
import { createFakeServer, SimulatedClock } from '@voxwire/testing';
import { RealtimeModel } from '../src/index.js';

/** A minute in ms. */
export const MIN = 60_000;

/** The fake, its clock and a model whose sessions attach to it. */
export function sideBand(dialect: 'ga' | 'beta', persistentSession: boolean, logger?: Logger) {
  const clock = new SimulatedClock({ microtaskRounds: 400 });
  // the fake keeps one conversation across connections, as the call's session does
  const { connector: fake, server } = createFakeServer({
    dialect,
    clock,
    conversation: 'persist',
  });
  const connector: Connector = async (attempt) => ({
    ...(await fake(attempt)),
    maxSessionDurationMs: 60 * MIN,
    persistentSession,
  });
  const model = new RealtimeModel({
    connector,
    clock,
    generateId: createCounterIdGenerator('t'),
    random: () => 0,
    stallTimeoutMs: false,
    ...(logger && { logger }),
  });
  return { clock, server, model };
}
