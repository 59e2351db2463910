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

/**
 * A connector wrapper whose `occurrence`-th frame of server event `type` after `arm()` is lost
 * with the socket: the side-band is closed from the server's end in its place (`drop`), and
 * nothing after it reaches that transport, as with a real drop.
 */
export function losingFrame(connector: Connector, type: string, drop: () => void, occurrence = 1) {
  let armed = false;
  let seen = 0;
  const wrapped: Connector = async (attempt) => {
    const connection = await connector(attempt);
    const inner = connection.transport;
    let dead = false;
    const transport: Transport = {
      start: () => {
        inner.onmessage = (frame) => {
          if (dead) return;
          if (
            armed &&
            typeof frame === 'string' &&
            frame.includes(`"type":"${type}"`) &&
            ++seen === occurrence
          ) {
            armed = false;
            dead = true;
            drop();
            return;
          }
          transport.onmessage?.(frame);
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
  return { connector: wrapped, arm: () => void (armed = true) };
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
  const wrapped: Connector = async (attempt) => {
    const connection = await connector(attempt);
    const inner = connection.transport;
    const transport: Transport = {
      start: () => {
        inner.onmessage = (frame) => {
          if (!deaf(frame)) transport.onmessage?.(frame);
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
  return { connector: wrapped, arm: () => void (armed = true) };
}
