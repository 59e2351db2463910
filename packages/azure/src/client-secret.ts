/**
 * Ephemeral keys for browsers on Azure OpenAI (`POST <endpoint>/openai/v1/realtime/client_secrets`):
 * the server mints a short-lived key with its real `api-key` or Entra token, and only that key
 * reaches the page, which connects over WebRTC (or through a proxy). voxwire itself connects
 * server-side with the real credential and needs none of this.
 * @module
 */
import { credentialQueryValues } from '@voxwire/core';
import {
  assertSecureUrl,
  type ClientSecret,
  type ClientSecretMintOptions,
  type ClientSecretSessionConfig,
  checkClientSecretOptions,
  clientSecretsUrl,
  ConfigurationError,
  type Env,
  envValue,
  processEnv,
  refuseUnknownOptions,
  requestClientSecret,
  resolveSecret,
  withoutHeaders,
} from '@voxwire/node';
import { resolveToken } from './auth.js';
import type { AzureResourceOptions } from './azure-options.js';
import { resolveAzureConfig } from './connector.js';
import { mintedSession } from './mint-session.js';

/** Options of {@link createAzureClientSecret}. */
export interface CreateAzureClientSecretOptions
  extends Omit<ClientSecretMintOptions, 'session'>, AzureResourceOptions {
  /**
   * Extra request headers, e.g. a gateway's `Ocp-Apim-Subscription-Key`; their values never
   * appear in an error. A caller's `api-key` or `Authorization` is dropped (they come from the
   * credential options).
   * @default {}
   */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /**
   * The session the browser's session starts with. `model` defaults to `azureDeployment` for a
   * `realtime` session (Azure wants the deployment name there); a `transcription` session is
   * sent as given.
   * @default { type: 'realtime', model: azureDeployment }
   */
  readonly session?: ClientSecretSessionConfig | undefined;
  /**
   * Deployment name of the input transcription model: the minted session's
   * `audio.input.transcription.model` (Azure wants a deployment name there), as the connector
   * sends it; a session that names no transcription gets one with this model. Sent trimmed; a
   * blank one is refused (`MISSING_OPTION`), and so is one beside a session whose transcription
   * is `null` (`CONFLICTING_OPTIONS`).
   * @default undefined (the session's transcription is sent as given)
   */
  readonly transcriptionDeployment?: string | undefined;
  /**
   * Environment to read instead of `process.env`.
   * @default process.env
   */
  readonly env?: Env | undefined;
  /**
   * Allows an `http:` endpoint to a host that is not loopback (the key then travels in clear).
   * Only `true` opts in.
   * @default false
   */
  readonly allowInsecureUrl?: boolean | undefined;
}

/** Headers set from the credential options; a caller's copy (any letter case) is dropped. */
const OWN_HEADERS = ['api-key', 'authorization'];

/**
 * Every option, in a record the compiler holds complete: a key that is none of them (a typo,
 * `apiversion`; a Python name, `azure_endpoint`) is refused naming the likeliest, as
 * `azureConnector` refuses it, instead of minting without it.
 */
const MINT_OPTION_KEYS: Readonly<Record<keyof CreateAzureClientSecretOptions, true>> = {
  azureDeployment: true,
  azureEndpoint: true,
  baseURL: true,
  apiVersion: true,
  apiKey: true,
  entraToken: true,
  tokenProvider: true,
  credential: true,
  tokenScope: true,
  transcriptionDeployment: true,
  headers: true,
  session: true,
  env: true,
  allowInsecureUrl: true,
  expiresAfterSeconds: true,
  fetch: true,
  signal: true,
  timeoutMs: true,
  clock: true,
};
const MINT_OPTIONS: ReadonlySet<string> = new Set(Object.keys(MINT_OPTION_KEYS));

/**
 * Mints an Azure OpenAI ephemeral key (GA `client_secrets`) for a browser's WebRTC session, so
 * the resource's key or Entra token never leaves the server. The endpoint, deployment, key and
 * Entra source are resolved as `azureConnector` resolves them ({@link resolveAzureConfig}: the
 * same environment variables, pasted paths and conflicts); the key is sent as `api-key`, an
 * Entra token (fetched on every call) as `Authorization: Bearer`, both when both are given, as
 * the connector does.
 *
 * @throws ConfigurationError for missing or conflicting options, a preview `apiVersion`
 *   (`INVALID_OPTION`), an out-of-range expiry or bad `timeoutMs` (before any request); a key
 *   function or token source that fails (`CREDENTIAL_FAILED`).
 * @throws ClientSecretError when the request fails, Azure refuses it (`HTTP_ERROR`), or minting,
 *   the credential lookup included, takes longer than `timeoutMs` (`TIMEOUT`). No message or
 *   field contains the key or the token.
 */
export async function createAzureClientSecret(
  options: CreateAzureClientSecretOptions,
): Promise<ClientSecret> {
  refuseUnknownOptions(options, MINT_OPTIONS, 'createAzureClientSecret');
  const seconds: unknown = options.expiresAfterSeconds;
  if (typeof seconds === 'string') {
    // read from an environment variable or a query: the range check's "got 600" hid why
    throw new ConfigurationError(
      'INVALID_OPTION',
      `expiresAfterSeconds must be a number (an integer from 10 to 7200), got the string ${JSON.stringify(seconds)}.`,
    );
  }
  const env = options.env ?? processEnv();
  const config = resolveAzureConfig(
    {
      azureDeployment: options.azureDeployment,
      azureEndpoint: options.azureEndpoint,
      baseURL: options.baseURL,
      apiVersion: options.apiVersion,
      apiKey: options.apiKey,
      entraToken: options.entraToken,
      tokenProvider: options.tokenProvider,
      credential: options.credential,
      tokenScope: options.tokenScope,
      transcriptionDeployment: options.transcriptionDeployment,
      // checked below on the URL the mint POSTs to: the connector's check names the WebSocket
      // URL derived from it (`ws://…`), which this call never opens
      allowInsecureUrl: true,
    },
    env,
  );
  if (config.target.form === 'preview') {
    const version = options.apiVersion ?? envValue(env, 'OPENAI_API_VERSION');
    throw new ConfigurationError(
      'INVALID_OPTION',
      `apiVersion ${String(version)} selects Azure's preview interface, whose ephemeral keys come from a different endpoint that createAzureClientSecret does not support. Leave apiVersion (and OPENAI_API_VERSION) unset to mint on the GA endpoint.`,
    );
  }
  const url = clientSecretsUrl(config.target.url.href);
  assertSecureUrl(url, options.allowInsecureUrl);
  const mint: ClientSecretMintOptions = {
    session: mintedSession(
      options.session ?? {},
      options.azureDeployment.trim(),
      config.transcriptionDeployment,
    ),
    expiresAfterSeconds: options.expiresAfterSeconds,
    fetch: options.fetch,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    clock: options.clock,
  };
  checkClientSecretOptions(mint);
  const { apiKey, token } = config;
  const extra = withoutHeaders(options.headers, OWN_HEADERS);
  return requestClientSecret({
    ...mint,
    url,
    // a gateway's header or query key is a credential as much as the api-key
    secrets: [...Object.values(extra), ...credentialQueryValues(config.target.url.search)],
    headers: async () => {
      const key = apiKey === undefined ? undefined : await resolveSecret(apiKey, 'API key');
      const bearer = token === undefined ? undefined : await resolveToken(token);
      return {
        ...extra,
        ...(key === undefined ? {} : { 'api-key': key }),
        ...(bearer === undefined ? {} : { Authorization: `Bearer ${bearer}` }),
      };
    },
  });
}
