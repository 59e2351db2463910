/**
 * `withAzure(...)`: the seed's `RealtimeModel.with_azure`, returning core's `RealtimeModel` wired
 * to the Azure connector, with Azure's own session defaults.
 * @module
 */
import {
  REALTIME_MODEL_OPTION_NAMES,
  RealtimeModel,
  type RealtimeModelOptions,
  type ServerVadOptions,
  type TurnDetectionOptions,
} from '@voxwire/core';
import { refuseUnknownOptions } from '@voxwire/node';
import { AZURE_CONNECTOR_KEYS, azureConnector, type AzureConnectorOptions } from './connector.js';

// what withAzure takes: the model's options (its connector is made here) and the connector's; a
// key that is neither is refused naming the likeliest of both (`apiversion`)
const AZURE_MODEL_OPTION_NAMES: ReadonlySet<string> = new Set(
  [...REALTIME_MODEL_OPTION_NAMES, ...Object.keys(AZURE_CONNECTOR_KEYS)].filter(
    (name) => name !== 'connector',
  ),
);

/**
 * Azure's session defaults (LiveKit's `AZURE_DEFAULT_TURN_DETECTION`, protocol.md §5.2 item 6):
 * server VAD 0.5 / 300 ms / 200 ms with `create_response`, and `interrupt_response` left out
 * (given as `undefined`: core's turn detection merge then drops it instead of keeping its own).
 */
export const AZURE_DEFAULT_TURN_DETECTION: Readonly<ServerVadOptions> = Object.freeze({
  type: 'server_vad',
  threshold: 0.5,
  prefixPaddingMs: 300,
  silenceDurationMs: 200,
  createResponse: true,
  interruptResponse: undefined,
});

/** Azure's default transcription model name (a deployment of that name must exist). */
export const AZURE_DEFAULT_TRANSCRIPTION_MODEL = 'whisper-1';

/**
 * The model's turn detection: Azure's defaults with the caller's override on top. Core merges an
 * override over its own (OpenAI) defaults, so passing `{ type: 'server_vad', threshold: 0.7 }`
 * through as it is gave a 500 ms silence and `interrupt_response: true`, not Azure's 200 ms and
 * no `interrupt_response`; an override names only the fields to change, here as in core. Another
 * type (semantic VAD) or `null` is passed through: Azure has no defaults of its own for those.
 */
function azureTurnDetection(
  override: TurnDetectionOptions | null | undefined,
): TurnDetectionOptions | null {
  if (override === undefined) return { ...AZURE_DEFAULT_TURN_DETECTION };
  if (override === null || override.type !== 'server_vad') return override;
  // a field given as `undefined` stays `undefined`: core then leaves it out, as it does for
  // Azure's own `interruptResponse`
  return { ...AZURE_DEFAULT_TURN_DETECTION, ...override };
}

/**
 * Options of {@link withAzure}: the Azure connection options plus core's model options
 * (session defaults, clock, logger, …) without `connector`. `model` is unused on Azure (the
 * deployment picks the model) and defaults to the deployment name for reporting.
 */
export type WithAzureOptions = AzureConnectorOptions & Omit<RealtimeModelOptions, 'connector'>;

/**
 * A `RealtimeModel` connected to Azure OpenAI (the seed's `with_azure`). Configuration errors
 * (missing endpoint or credentials, both endpoint and base URL, …) throw a typed
 * `ConfigurationError` right away; tokens are fetched on every connect.
 *
 * ```ts
 * const model = withAzure({ azureDeployment: 'gpt-realtime', credential: new DefaultAzureCredential() });
 * ```
 */
export function withAzure(options: WithAzureOptions): RealtimeModel {
  refuseUnknownOptions(options, AZURE_MODEL_OPTION_NAMES, 'withAzure');
  const connectorOptions: Record<string, unknown> = {};
  const modelOptions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (Object.hasOwn(AZURE_CONNECTOR_KEYS, key)) connectorOptions[key] = value;
    else modelOptions[key] = value;
  }
  // one clock and one handshake timeout for the session and its sockets
  if (options.clock !== undefined) connectorOptions['clock'] = options.clock;
  if (options.connectTimeoutMs !== undefined)
    connectorOptions['connectTimeoutMs'] = options.connectTimeoutMs;
  const connector = azureConnector(connectorOptions as unknown as AzureConnectorOptions);
  // the connector has checked both names: the model reports them as they are sent
  return new RealtimeModel({
    model: options.azureDeployment.trim(),
    inputAudioTranscription: {
      model: options.transcriptionDeployment?.trim() ?? AZURE_DEFAULT_TRANSCRIPTION_MODEL,
    },
    ...(modelOptions as Omit<RealtimeModelOptions, 'connector'>),
    turnDetection: azureTurnDetection(options.turnDetection),
    connector,
  });
}
