/**
 * A session on a side-band-like connection over the in-memory fake: the fake keeps one
 * conversation across connections (`conversation: 'persist'`), as a call's session does, and the
 * connector reports `persistentSession` as a side-band connector does (or not, for the contrast).
 * @module
 */
import type { Connector, Logger, Transport } from '@voxwire/protocol';
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

/** Decides, per server frame, whether the session hears it. */
export type FrameFilter = (frame: string | Uint8Array) => boolean;

/**
 * A connector whose every transport hands each server frame to a filter of its own (made per
 * connection by `filterFor`) before the session: a frame it returns `false` for is not heard.
 */
export function filteringFrames(connector: Connector, filterFor: () => FrameFilter): Connector {
  return async (attempt) => {
    const connection = await connector(attempt);
    const inner = connection.transport;
    const pass = filterFor();
    const transport: Transport = {
      start: () => {
        inner.onmessage = (frame) => {
          if (pass(frame)) transport.onmessage?.(frame);
        };
        inner.onclose = (code, reason) => transport.onclose?.(code, reason);
        inner.onerror = (error) => transport.onerror?.(error);
        return inner.start();
      },
      send: (frame) => inner.send(frame),
      close: (code, reason) => inner.close(code, reason),
    };
    return { ...connection, transport };
  };
}

/**
 * A filter that loses the socket at a frame `lose` picks: the side-band is closed from the
 * server's end in its place (`drop`), and nothing after it reaches that transport, as with a
 * real drop.
 */
export function losingAt(lose: FrameFilter, drop: () => void): () => FrameFilter {
  return () => {
    let dead = false;
    return (frame) => {
      if (dead) return false;
      if (!lose(frame)) return true;
      dead = true;
      drop();
      return false;
    };
  };
}

/**
 * A connector wrapper whose `occurrence`-th frame of server event `type` after `arm()` is lost
 * with the socket (`losingAt`).
 */
export function losingFrame(connector: Connector, type: string, drop: () => void, occurrence = 1) {
  let armed = false;
  let seen = 0;
  const lose: FrameFilter = (frame) => {
    if (!armed || typeof frame !== 'string' || !frame.includes(`"type":"${type}"`)) return false;
    if (++seen !== occurrence) return false;
    armed = false;
    return true;
  };
  return {
    connector: filteringFrames(connector, losingAt(lose, drop)),
    arm: () => void (armed = true),
  };
}

/**
 * A connector wrapper whose transport is deaf, after `arm()`, to the server's frames before
 * `until`: the first `until` frames (a number), or every frame before the first of type `until`
 * (a string), which is heard. As if the side-band had attached right there: what comes in the
 * same instant cannot be told apart by a real attach.
 */
export function deafening(connector: Connector, until: number | string) {
  let armed = false;
  let dropped = 0;
  let hearing = false;
  const deaf = (frame: string | Uint8Array): boolean => {
    if (!armed || hearing) return false;
    if (typeof until === 'number') return dropped++ < until;
    hearing = typeof frame === 'string' && frame.includes(`"type":"${until}"`);
    return !hearing;
  };
  return {
    connector: filteringFrames(connector, () => (frame) => !deaf(frame)),
    arm: () => void (armed = true),
  };
}
