/**
 * The names of every `RealtimeModel` option, for refusing a key that is none of them with the
 * name it was likely meant to be (`voise` for `voice`, `maxRetainedResponse`): otherwise it
 * would be taken for a session option and refused without a hint, or, in an entry point that
 * sorts keys between the model and its connector, sent to the wrong one.
 * @module
 */
import { optionNames } from '@voxwire/protocol';
import { CONVERSATION_OPTION_KEY_SET } from './features/builtins.js';
import type { RealtimeModelOptions } from './model.js';
import { SESSION_OPTION_KEY_SET } from './options-validate.js';

/**
 * Every key of {@link RealtimeModelOptions}, held complete by the compiler: an option added to
 * the interface and left out here does not compile.
 */
const REALTIME_MODEL_OPTION_KEYS: { readonly [K in keyof RealtimeModelOptions]-?: true } = {
  // the engine's; then the session defaults and the conversation options, each from the record
  // its own checks use
  connector: true,
  clock: true,
  logger: true,
  generateId: true,
  requestTimeoutMs: true,
  connectTimeoutMs: true,
  audioRetention: true,
  maxRetainedResponses: true,
  features: true,
  reconnect: true,
  random: true,
  backpressure: true,
  streamHighWaterMark: true,
  streamPolicy: true,
  stallTimeoutMs: true,
  replyTimeoutMs: true,
  dedupeWindow: true,
  replayUncommittedAudioMs: true,
  ...SESSION_OPTION_KEY_SET,
  ...CONVERSATION_OPTION_KEY_SET,
};

/**
 * The names of every option `new RealtimeModel(options)` takes (engine, session defaults and
 * conversation options, `connector` included). Entry points that take these beside options of
 * their own (`createOpenAIRealtimeModel`, `withAzure`) check a key against both.
 */
export const REALTIME_MODEL_OPTION_NAMES: ReadonlySet<string> = optionNames(
  REALTIME_MODEL_OPTION_KEYS,
);
