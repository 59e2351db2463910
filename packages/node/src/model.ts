/**
 * The one-line model: `createOpenAIRealtimeModel(options)` is core's `RealtimeModel` with the
 * OpenAI connector wired in, so `model.session()` talks to the real service.
 * @module
 */
import {
  REALTIME_MODEL_OPTION_NAMES,
  RealtimeModel,
  type RealtimeModelOptions,
} from '@voxwire/core';
import { refuseUnknownOptions } from './errors.js';
import { OPENAI_CONNECTOR_KEYS, openaiConnector, type OpenAIConnectorOptions } from './openai.js';

// what createOpenAIRealtimeModel takes: the model's options (its connector is made here) and the
// connector's; a key that is neither is refused naming the likeliest of both (`baseUrl`)
const OPENAI_MODEL_OPTION_NAMES: ReadonlySet<string> = new Set(
  [...REALTIME_MODEL_OPTION_NAMES, ...Object.keys(OPENAI_CONNECTOR_KEYS)].filter(
    (name) => name !== 'connector',
  ),
);

/**
 * Options of {@link createOpenAIRealtimeModel}: core's model options (session defaults, clock,
 * logger, …) without `connector`, plus the connector's (key, base URL, dialect, socket).
 * `model` feeds both: it is the `?model=` of the URL and the session's reported model.
 */
export type OpenAIRealtimeModelOptions = Omit<RealtimeModelOptions, 'connector' | 'model'> &
  Omit<OpenAIConnectorOptions, 'clock'> & {
    /**
     * The realtime model.
     * @default 'gpt-realtime'
     */
    readonly model?: string;
  };

/**
 * A `RealtimeModel` connected to OpenAI. The key comes from `apiKey` or `OPENAI_API_KEY`; with
 * neither, this throws a `ConfigurationError` (`MISSING_CREDENTIALS`) right away.
 *
 * ```ts
 * const model = createOpenAIRealtimeModel({ voice: 'marin', instructions: 'Be brief.' });
 * const session = model.session();
 * ```
 */
export function createOpenAIRealtimeModel(options: OpenAIRealtimeModelOptions = {}): RealtimeModel {
  refuseUnknownOptions(options, OPENAI_MODEL_OPTION_NAMES, 'createOpenAIRealtimeModel');
  const connectorOptions: Record<string, unknown> = {};
  const modelOptions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (Object.hasOwn(OPENAI_CONNECTOR_KEYS, key)) connectorOptions[key] = value;
    else modelOptions[key] = value;
  }
  // the socket timers follow the session's clock; the handshake timeout is the engine's too
  if (options.clock !== undefined) connectorOptions['clock'] = options.clock;
  if (options.connectTimeoutMs !== undefined)
    connectorOptions['connectTimeoutMs'] = options.connectTimeoutMs;
  if (options.model !== undefined) connectorOptions['model'] = options.model;
  const connector = openaiConnector(connectorOptions as OpenAIConnectorOptions);
  return new RealtimeModel({
    ...(modelOptions as Omit<RealtimeModelOptions, 'connector'>),
    connector,
  });
}

/** A namespace-style entry point: `openai.realtime({ … })` is {@link createOpenAIRealtimeModel}. */
export const openai = {
  /** Same as {@link createOpenAIRealtimeModel}. */
  realtime: createOpenAIRealtimeModel,
  /** Same as {@link openaiConnector}. */
  connector: openaiConnector,
} as const;
