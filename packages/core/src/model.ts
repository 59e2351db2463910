/**
 * `RealtimeModel`: holds the defaults and the injected services, and makes sessions
 * (the seed's `RealtimeModel.session()`), every override applied.
 * @module
 */
import {
  createCounterIdGenerator,
  silentLogger,
  systemClock,
  unknownOption,
  unknownOptionMessage,
  type Connector,
} from '@voxwire/protocol';
import { VoxwireError } from './errors.js';
import { REALTIME_MODEL_OPTION_NAMES } from './model-options.js';
import type { SessionFeatureFactory } from './feature.js';
import {
  checkConversationOptions,
  splitConversationOptions,
  type ConversationOptions,
  type SessionTool,
} from './features/builtins.js';
import {
  copySessionOptions,
  defaultSessionOptions,
  mergeSessionOptions,
  type EngineOptions,
  type RealtimeSessionOptions,
  type SessionOptionsInput,
} from './options.js';
import {
  resolveReliability,
  type ReliabilityOptions,
  type ResolvedReliability,
} from './reconnect/options.js';
import { RealtimeSession } from './session.js';
import {
  isChatContextInput,
  type ChatContext,
  type ChatItem,
} from './conversation/chat-context.js';
import { checkSessionToolChoice } from './tools/tool-choice.js';

/** Throws `INVALID_ARGUMENT` unless `value` is a connector (a function). */
function requireConnector(value: unknown): asserts value is Connector {
  if (typeof value !== 'function') {
    throw new VoxwireError(
      'INVALID_ARGUMENT',
      'RealtimeModel needs a connector function (from @voxwire/node, @voxwire/azure or @voxwire/testing)',
      { data: { argument: 'connector' } },
    );
  }
}

/** What `model.session(…)` takes: session options to override, and per-session engine parts. */
export type SessionOverrides = SessionOptionsInput & {
  /** The session's tools instead of the model's. @default the model's `tools` */
  tools?: readonly SessionTool[] | undefined;
  /**
   * This session's connector instead of the model's: a connection target per session, such as
   * the `callId` of the call a side-band session controls, while the defaults, tools, features
   * and services stay shared. @default the model's `connector`
   */
  connector?: Connector | undefined;
  /**
   * The conversation the session starts with (the seed's `chat_ctx`): synced to the server
   * right after the first `session.update` (`session.initialSync` says when it is there).
   * @default none (an empty conversation)
   */
  chatCtx?: ChatContext | readonly ChatItem[] | undefined;
};

/** Options of `new RealtimeModel(…)`: the engine's plus the session defaults. */
export interface RealtimeModelOptions
  extends EngineOptions, SessionOptionsInput, ConversationOptions {
  /** Features installed in every session (function calling, chat sync …). @default [] */
  features?: readonly SessionFeatureFactory[] | undefined;
}

/** Default ack timeout of item and session requests, ms. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Default connect timeout, ms. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Default number of finished responses a session keeps. */
export const DEFAULT_MAX_RETAINED_RESPONSES = 16;

/** `value`, or `fallback` when it is absent; `INVALID_ARGUMENT` ("`name` must be `what`") unless `ok`. */
function numberOption(
  name: string,
  value: number | undefined,
  fallback: number,
  ok: (value: number) => boolean,
  what: string,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !ok(value)) {
    throw new VoxwireError('INVALID_ARGUMENT', `${name} must be ${what}`, {
      data: { argument: name },
    });
  }
  return value;
}

const isPositive = (value: number): boolean => Number.isFinite(value) && value > 0;
const isCount = (value: number): boolean => Number.isInteger(value) && value >= 0;

/** Every option present, none `undefined`: options once their defaults are applied. */
type Resolved<T> = { [K in keyof T]-?: Exclude<T[K], undefined> };

/** The seed's `RealtimeModel`: defaults plus a session factory. */
export class RealtimeModel {
  readonly #defaults: RealtimeSessionOptions;
  readonly #engine: Resolved<Omit<EngineOptions, keyof ReliabilityOptions>>;
  readonly #reliability: ResolvedReliability;
  readonly #features: readonly SessionFeatureFactory[];
  readonly #conversation: ConversationOptions;
  readonly #sessions = new Set<RealtimeSession>();

  /**
   * Validates the options; throws `VoxwireError('INVALID_ARGUMENT')` on a bad one, and a
   * `ToolError` for a bad tool set (`INVALID_TOOL`, `DUPLICATE_TOOL`, `SCHEMA_CONVERSION`) or a
   * forced `toolChoice` naming a function the tools lack (`UNKNOWN_TOOL_CHOICE`).
   */
  constructor(options: RealtimeModelOptions) {
    if (typeof options !== 'object' || options === null) requireConnector(undefined);
    requireConnector(options.connector);
    // a typo would be taken for a session option, refused without naming the option meant
    const unknown = unknownOption(options, REALTIME_MODEL_OPTION_NAMES);
    if (unknown !== undefined)
      throw new VoxwireError('INVALID_ARGUMENT', unknownOptionMessage(unknown, 'RealtimeModel'), {
        data: { argument: unknown.name },
      });
    const {
      connector,
      clock,
      logger,
      generateId,
      requestTimeoutMs,
      connectTimeoutMs,
      audioRetention,
      maxRetainedResponses,
      features,
      reconnect,
      random,
      backpressure,
      streamHighWaterMark,
      streamPolicy,
      stallTimeoutMs,
      replyTimeoutMs,
      dedupeWindow,
      replayUncommittedAudioMs,
      ...others
    } = options;
    // what is left besides the conversation options are the session defaults
    const { conversation, rest: session } = splitConversationOptions(others);
    this.#reliability = resolveReliability({
      reconnect,
      random,
      backpressure,
      streamHighWaterMark,
      streamPolicy,
      stallTimeoutMs,
      replyTimeoutMs,
      dedupeWindow,
      replayUncommittedAudioMs,
    });
    this.#conversation = checkConversationOptions(conversation);
    this.#defaults = mergeSessionOptions(defaultSessionOptions(), session);
    // a forced choice of a function the model's tools lack: every session using the model's
    // tools would be refused. A model without tools leaves it to each session, which may bring
    // the tool it names (`model.session({ tools })`, checked there)
    // (features may add tools of their own to every session.update, which no check here sees:
    // with features, the choice is the server's to judge)
    const modelTools = this.#conversation.tools;
    if (modelTools !== undefined && modelTools.length > 0)
      checkSessionToolChoice(this.#defaults.toolChoice, modelTools, (features?.length ?? 0) > 0);
    const c = clock ?? systemClock;
    const retention = audioRetention ?? 'none';
    if (
      retention !== 'none' &&
      retention !== 'all' &&
      !(typeof retention === 'object' && retention.maxDurationMs > 0)
    ) {
      throw new VoxwireError(
        'INVALID_ARGUMENT',
        "audioRetention must be 'none', 'all' or { maxDurationMs > 0 }",
        { data: { argument: 'audioRetention' } },
      );
    }
    this.#engine = {
      connector,
      clock: c,
      logger: logger ?? silentLogger,
      // a clock-derived salt keeps ids unique across processes without touching crypto
      generateId: generateId ?? createCounterIdGenerator(Math.floor(c.now()).toString(36)),
      requestTimeoutMs: numberOption(
        'requestTimeoutMs',
        requestTimeoutMs,
        DEFAULT_REQUEST_TIMEOUT_MS,
        isPositive,
        'a positive number',
      ),
      connectTimeoutMs: numberOption(
        'connectTimeoutMs',
        connectTimeoutMs,
        DEFAULT_CONNECT_TIMEOUT_MS,
        isPositive,
        'a positive number',
      ),
      audioRetention: retention,
      maxRetainedResponses: numberOption(
        'maxRetainedResponses',
        maxRetainedResponses,
        DEFAULT_MAX_RETAINED_RESPONSES,
        isCount,
        'a whole number ≥ 0',
      ),
    };
    this.#features = features ?? [];
  }

  /** A deep copy of the default session options. */
  get defaults(): RealtimeSessionOptions {
    return copySessionOptions(this.#defaults);
  }

  /** Open sessions, oldest first. */
  get sessions(): RealtimeSession[] {
    return [...this.#sessions];
  }

  /**
   * Starts a session: copies the defaults and applies every override given (`null` switches a
   * feature off; `undefined` keeps the default), `tools` and `connector` included. The session
   * connects right away. Throws `INVALID_ARGUMENT` or a `ToolError` for a bad override, and
   * `INVALID_ARGUMENT` for a `model` other than the model's without a `connector` of its own
   * (the connector picks the model; the seed's `session()` took no model).
   */
  session(overrides: SessionOverrides = {}): RealtimeSession {
    const { tools, connector, chatCtx, ...rest } = overrides ?? {};
    if (connector !== undefined) requireConnector(connector);
    // its shape now (what is in it, the sync judges: a bad item rejects `initialSync`)
    if (chatCtx !== undefined && !isChatContextInput(chatCtx))
      throw new VoxwireError(
        'INVALID_ARGUMENT',
        'chatCtx must be a ChatContext ({ items }) or a list of chat items',
        { data: { argument: 'chatCtx' } },
      );
    // The connector picks the model (it is part of its URL) and is never told this option, so
    // another model on the model's connector would be ignored: the session would run the
    // connector's model while its options said otherwise. With its own connector, the session
    // names the model that connector picks.
    if (
      connector === undefined &&
      rest.model !== undefined &&
      rest.model !== this.#defaults.model
    ) {
      throw new VoxwireError(
        'INVALID_ARGUMENT',
        `model cannot differ per session on the model's connector (it picks ${this.#defaults.model}): pass a connector for that model too, or make a RealtimeModel for it`,
        { data: { argument: 'model' } },
      );
    }
    const options = mergeSessionOptions(this.#defaults, rest);
    const conversation =
      tools === undefined
        ? this.#conversation
        : checkConversationOptions({ ...this.#conversation, tools });
    // the session's choice against the session's tools: its own, or the model's
    // (a feature's own tools are out of sight: see the constructor)
    checkSessionToolChoice(options.toolChoice, conversation.tools ?? [], this.#features.length > 0);
    const session = new RealtimeSession({
      ...this.#engine,
      // one connection target per session (a call's `call_id`, say) without a model per session
      ...(connector === undefined ? {} : { connector }),
      ...conversation,
      reliability: this.#reliability,
      options,
      features: this.#features,
      onClosed: (s) => this.#sessions.delete(s),
      chatCtx,
    });
    this.#sessions.add(session);
    return session;
  }

  /** Closes every session. */
  async close(): Promise<void> {
    await Promise.all([...this.#sessions].map((s) => s.close()));
  }
}
