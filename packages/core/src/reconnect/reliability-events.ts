/**
 * What the reliability controller reports: the `reconnected` and `response_stalled` events, and
 * the counters of `session.stats`.
 * @module
 */
import type { OutboxStats } from '../outbox.js';
import type { RealtimeResponse } from '../responses/tree.js';
import type { Dialect } from '@voxwire/protocol';

/** `reconnected`: the session is back, restored into a fresh server session. */
export interface ReconnectedEvent {
  /** The attempt that succeeded (1-based within the outage). */
  attempt: number;
  /** The dialect the server speaks. */
  dialect: Dialect;
  /** The connector's secret-free description. */
  description: string | undefined;
  /** Conversation items re-created from the mirror. */
  restoredItems: number;
  /** Items that could not be re-created (removed from the mirror). */
  skippedItems: number;
  /** Requests the old connection took with it, re-sent. */
  resentRequests: number;
  /** Whether this was a planned rollover rather than a recovery. */
  rollover: boolean;
  /** Input audio the old server had not committed, written again (see `replayUncommittedAudioMs`), ms. */
  replayedAudioMs: number;
  /**
   * The assistant answers the drop cut off mid-stream that were re-created as the text heard so
   * far, ended with `...` (`reconnect.truncatedAnswers: 'heard'`): same item ids, their responses
   * ended `failed` with `connection_lost`. Empty when none was (or with `'skip'`).
   */
  cutOffItemIds: string[];
}

/** `response_stalled`: a response in progress received nothing for `idleMs`. */
export interface ResponseStalledEvent {
  /** The response (already ended locally, status `failed`, reason `stalled`). */
  response: RealtimeResponse;
  /** How long nothing arrived, ms. */
  idleMs: number;
}

/** Counters and retained-structure sizes of a session. */
export interface SessionStats extends OutboxStats {
  /** Successful reconnects (rollovers included). */
  readonly reconnects: number;
  /** Planned rollovers. */
  readonly rollovers: number;
  /** Responses declared stalled. */
  readonly stalls: number;
  /** Server events dropped as duplicates (same `event_id`). */
  readonly duplicateEvents: number;
  /** Stream chunks dropped because a consumer was slower than the server. */
  readonly streamChunksDropped: number;
  /** Requests waiting for an ack. */
  readonly pendingRequests: number;
  /** Responses in progress. */
  readonly activeResponses: number;
  /** Finished responses retained (bounded by `maxRetainedResponses`). */
  readonly retainedResponses: number;
  /** Event ids in the duplicate window (bounded by `dedupeWindow`). */
  readonly recentEventIds: number;
  /**
   * Ids of items and function calls that restores left out, remembered for the requests still
   * about them (at most 4,096 of each).
   */
  readonly leftOutIds: number;
  /** Items in the conversation mirror. */
  readonly mirrorItems: number;
  /** Audio items this client sent whose echo has not arrived (their samples are kept until it does). */
  readonly mirrorItemsAwaitingEcho: number;
}
