/**
 * The session's built-in features (conversation mirror + chat sync, function calling), their
 * options, and how a session wires them: kept here so that `session.ts` stays composition.
 * @module
 */
import type { RealtimeResponse } from '../responses/tree.js';
import type { ResponseCreateRequest } from '../responses/create-options.js';
import type { Clock, ConversationItem, IdGenerator, Logger } from '@voxwire/protocol';
import { VoxwireError, type SessionError } from '../errors.js';
import type { SessionEvents } from '../events.js';
import type { AudioFormatName } from '../options.js';
import type { ChatItem } from '../conversation/chat-context.js';
import type { RealtimeSession } from '../session.js';
import { isTimeoutMs, toSessionTools } from '../tools/schema.js';
import type { Tool } from '../tools/tool.js';
import type { FunctionCallInfo, ToolFailure } from '../tools/types.js';
import type { ConversationMirror } from '../conversation/mirror.js';
import {
  ConversationFeature,
  checkAudioModeHint,
  type AudioModeHint,
  type ConversationHost,
} from './conversation.js';
import { FunctionCallingFeature, type FunctionCallingHost } from './function-calling.js';

/** A tool of a `RealtimeSession` (its `execute` gets the session as `context.session`). */
export type SessionTool = Tool<any, RealtimeSession>;

/** Options of function calling and chat sync, given to `RealtimeModel` (and so to every session). */
export interface ConversationOptions {
  /**
   * The tools the model may call; `session(overrides)` and `sessionUpdate` may replace them.
   * Sent in `session.update` (again whenever they change). Validated up front (`ToolError`).
   * @default []
   */
  tools?: readonly SessionTool[] | undefined;
  /**
   * How many follow-up responses may be asked for in a row after responses that consist of
   * function calls only: the response after the last of them, tool-only again (the
   * `maxToolOnlyRounds + 1`-th in a row), is not followed up, and `error` gets a
   * `ToolError('TOOL_LOOP_LIMIT')`; `0` follows up no tool-only response. The guard against
   * `toolChoice: 'required'` loops (livekit/agents#1145). Responses that called and ended
   * `incomplete` or `failed` count too (they are followed up as well); cancelled ones do not. A
   * response with a message, or a user turn (committed audio or a user item), resets the count.
   * @default 5
   */
  maxToolOnlyRounds?: number | undefined;
  /**
   * The text sent back to the model for a failed call (unknown tool, bad JSON, invalid arguments,
   * thrown error, cancelled, interrupted). One that throws or returns no string is replaced by
   * the default text for that call, so that the call is still answered.
   * @default `formatToolFailure`: "Error: …" sentences written for the model
   */
  formatToolError?: ((failure: ToolFailure, call: FunctionCallInfo) => string) | undefined;
  /**
   * How long a call of a tool without its own `timeoutMs` may take (argument validation and
   * `execute`), in ms of the session's clock. Past it, the call's `signal` aborts (reason: a
   * `VoxwireError('TIMEOUT')`) and the call is answered with a `timeout` error text
   * (`formatToolError`), so the response's other outputs and the follow-up go out.
   * @default undefined (no limit: a tool that never finishes holds its response's outputs until
   *   the session closes)
   */
  toolTimeoutMs?: number | undefined;
  /**
   * Whether the function calls of a response that was cancelled (the user barged in,
   * `turn_detected`, or the app's `response.cancel()`) are followed up with a response once their
   * outputs exist. Their outputs are created either way (every call is answered). Off by default:
   * the user moved on, and the next turn's response sees the outputs, rather than the old question
   * being answered over or after the new one (LiveKit's agents do not reply to the tools of an
   * interrupted speech either). `true` is the seed's behaviour: a follow-up after every round.
   * @default false
   */
  followUpCancelledCalls?: boolean | undefined;
  /**
   * `setChatCtx` appends a short silent user audio item when it adds only text items. Why: after a
   * conversation is (re)loaded with text-only items, the model tends to answer in text instead of
   * audio (livekit/agents#2471, #2694, agents-js#323); the seed appended one second of silence "to
   * set the API in audio mode". Off by default: it leaves a silent user turn in the context, and
   * GA sessions can pin the output modality instead. `{ durationMs }` sets the length.
   * @default false
   */
  audioModeHint?: AudioModeHint | undefined;
  /**
   * How much audio of the items the app itself sends (`conversation.item.create`, `setChatCtx`,
   * the audio-mode hint) the conversation mirror keeps, in ms per session. The server's echo of
   * such an item carries no audio bytes; with the samples kept, a reconnect re-creates the item
   * as it was. With input transcription off (`inputAudioTranscription: null`) the user's turns
   * are kept the same way, from their commit, within the same total: no transcript will restore
   * them. Beyond this the oldest samples are let go, and their items are restored as their
   * transcript (or left out when they have none). 0 keeps none.
   * @default 10000 (at most 480 KB of 24 kHz PCM16 per session)
   */
  keepSentAudioMs?: number | undefined;
}

/**
 * What a session gives its built-in features: the session's shared context (`session-host.ts`),
 * handed on as the host of both features, so no closure is made per session.
 */
export interface BuiltinHost extends ConversationHost, FunctionCallingHost<RealtimeSession> {
  /** The session (given to tools as `context.session`). */
  readonly session: RealtimeSession;
  /** Ids for generated items (tool outputs, the audio hint). */
  readonly generateId: IdGenerator;
  /** The session's clock (tool call timeouts). */
  readonly clock: Clock;
  /** The session's logger. */
  readonly logger: Logger;
  /** Fields every log line carries (the session id). */
  logFields(): Record<string, unknown>;
  /** `conversation.item.create` (`null`: at the start); resolves on the server's ack. */
  createItem(item: ChatItem, previousItemId: string | null): Promise<ConversationItem>;
  /** `conversation.item.delete`; resolves on the server's ack. */
  deleteItem(itemId: string): Promise<void>;
  /** The session's current input audio format. */
  inputAudioFormat(): AudioFormatName;
  /** Emits a session event. */
  emit<K extends keyof SessionEvents>(event: K, ...args: SessionEvents[K]): void;
  /** Reports an error on `error` (or keeps it as unhandled). */
  error(error: SessionError): void;
  /** Whether the session is closing or closed. */
  closed(): boolean;
  /**
   * Asks for a response after tool outputs (`onDuplicate: 'keep_both'`), with `request`'s
   * per-response settings when given; resolves with it, and tells `started` at once, in the
   * `response.created` dispatch.
   */
  requestResponse(
    started?: (response: RealtimeResponse) => void,
    request?: ResponseCreateRequest,
  ): Promise<RealtimeResponse>;
  /** The conversation mirror, once the conversation feature exists. */
  mirror(): ConversationMirror | undefined;
  /** The audio-mode hint option (`false` when not set). */
  readonly audioModeHint: AudioModeHint;
  /** The session's `toolChoice` as last asked for (a forced one is relaxed in tool follow-ups). */
  toolChoice(): unknown;
}

/** The built-in features of one session. */
export interface Builtins {
  /** Mirror and chat sync. */
  readonly conversation: ConversationFeature;
  /** Tools. */
  readonly functions: FunctionCallingFeature<RealtimeSession>;
}

/**
 * Builds the built-in features of a session.
 * @throws ToolError for an invalid tool set
 */
export function createBuiltins(host: BuiltinHost, options: ConversationOptions): Builtins {
  const conversation = new ConversationFeature(host, options.keepSentAudioMs);
  const functions = new FunctionCallingFeature<RealtimeSession>(host, {
    tools: options.tools,
    maxToolOnlyRounds: options.maxToolOnlyRounds,
    formatToolError: options.formatToolError,
    toolTimeoutMs: options.toolTimeoutMs,
    followUpCancelledCalls: options.followUpCancelledCalls,
    clock: host.clock,
    generateId: host.generateId,
  });
  return { conversation, functions };
}

/**
 * Every key of {@link ConversationOptions}, written once: `RealtimeModel` takes exactly these out
 * of its options (the rest are session options), and {@link checkConversationOptions} keeps
 * exactly these. Typed as a record over the interface's keys, so a key added to the interface and
 * not here (or one here the interface lacks) does not compile.
 */
export const CONVERSATION_OPTION_KEY_SET: {
  readonly [K in keyof ConversationOptions]-?: true;
} = {
  tools: true,
  maxToolOnlyRounds: true,
  formatToolError: true,
  toolTimeoutMs: true,
  followUpCancelledCalls: true,
  audioModeHint: true,
  keepSentAudioMs: true,
};

/** The keys of {@link ConversationOptions} (see `CONVERSATION_OPTION_KEY_SET`). */
const CONVERSATION_OPTION_KEYS = Object.keys(
  CONVERSATION_OPTION_KEY_SET,
) as readonly (keyof ConversationOptions)[];

/**
 * Splits `options` into its {@link ConversationOptions} (each key read once, `undefined` left
 * out) and the rest, as a rest destructuring of those keys would (own enumerable keys).
 */
export function splitConversationOptions<T extends ConversationOptions>(
  options: T,
): { conversation: ConversationOptions; rest: Omit<T, keyof ConversationOptions> } {
  const conversation: Record<string, unknown> = {};
  const rest = { ...options } as Record<string, unknown>;
  for (const key of CONVERSATION_OPTION_KEYS) {
    const value = options[key];
    if (value !== undefined) conversation[key] = value;
    delete rest[key];
  }
  return { conversation, rest: rest as Omit<T, keyof ConversationOptions> };
}

/**
 * Throws `VoxwireError('INVALID_ARGUMENT')` naming `tools` unless it is a list (its tools are
 * checked one by one later, with a `ToolError` naming the bad one). Every place that takes a
 * tool set calls it first, so that `setTools(null)` does not fail as a bare `TypeError`.
 */
export function checkToolList(tools: unknown): asserts tools is readonly unknown[] {
  if (!Array.isArray(tools))
    throw new VoxwireError('INVALID_ARGUMENT', 'tools must be a list of tools', {
      data: { argument: 'tools' },
    });
}

/**
 * Checks conversation options; returns them without `undefined` entries.
 * @throws VoxwireError `INVALID_ARGUMENT` (`maxToolOnlyRounds`, `formatToolError`, `toolTimeoutMs`,
 *   `followUpCancelledCalls`, `audioModeHint`, `keepSentAudioMs`);
 *   ToolError for an invalid tool set
 */
export function checkConversationOptions(options: ConversationOptions): ConversationOptions {
  // each option read once; what is checked below is what is returned
  const out = splitConversationOptions(options).conversation;
  const invalid = (argument: string, message: string): never => {
    throw new VoxwireError('INVALID_ARGUMENT', `${argument} ${message}`, { data: { argument } });
  };
  const { tools, maxToolOnlyRounds, toolTimeoutMs, keepSentAudioMs } = out;
  if (tools !== undefined) {
    checkToolList(tools);
    toSessionTools(tools);
  }
  if (
    maxToolOnlyRounds !== undefined &&
    !(Number.isInteger(maxToolOnlyRounds) && maxToolOnlyRounds >= 0)
  )
    invalid('maxToolOnlyRounds', 'must be an integer ≥ 0');
  if (out.formatToolError !== undefined && typeof out.formatToolError !== 'function')
    invalid('formatToolError', 'must be a function');
  if (toolTimeoutMs !== undefined && !isTimeoutMs(toolTimeoutMs))
    invalid('toolTimeoutMs', 'must be a finite number of ms > 0');
  if (out.followUpCancelledCalls !== undefined && typeof out.followUpCancelledCalls !== 'boolean')
    invalid('followUpCancelledCalls', 'must be a boolean');
  checkAudioModeHint(out.audioModeHint);
  if (
    keepSentAudioMs !== undefined &&
    !(typeof keepSentAudioMs === 'number' && keepSentAudioMs >= 0 && keepSentAudioMs < Infinity)
  )
    invalid('keepSentAudioMs', 'must be a number of ms ≥ 0');
  // the caller's list is not kept: replacing its entries later does not change the session's
  if (tools !== undefined) out.tools = [...tools];
  return out;
}
