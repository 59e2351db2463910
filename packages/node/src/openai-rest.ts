/**
 * What every REST request to OpenAI from a server shares: the options (key, base URL,
 * organization, project, environment) and the headers they make, the key looked up within the
 * request's deadline. The client-secret mint and the call control endpoints use it.
 * @module
 */
import { Endpoints } from '@voxwire/protocol';
import {
  envValue,
  type Env,
  isBlankSecret,
  processEnv,
  resolveSecret,
  type SecretSource,
} from './credentials.js';
import { ConfigurationError } from './errors.js';

/** OpenAI's options of a REST request made from a server. */
export interface OpenAIRestOptions {
  /**
   * The real API key, or a function returning it.
   * @default process.env.OPENAI_API_KEY
   */
  readonly apiKey?: SecretSource | undefined;
  /**
   * REST base URL (`wss:`/`ws:` are turned back into `https:`/`http:`). Its query is sent along
   * (a gateway's `subscription-key=…`), except the realtime WebSocket's own `model`, `intent`,
   * `call_id` and `deployment`; credential-like values in it are redacted from every error (see
   * {@link realtimeRestUrl}).
   * @default process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1'
   */
  readonly baseURL?: string | undefined;
  /**
   * Sent as `OpenAI-Organization`.
   * @default process.env.OPENAI_ORG_ID
   */
  readonly organization?: string | undefined;
  /**
   * Sent as `OpenAI-Project`.
   * @default process.env.OPENAI_PROJECT_ID
   */
  readonly project?: string | undefined;
  /**
   * Environment to read instead of `process.env`.
   * @default process.env
   */
  readonly env?: Env | undefined;
  /**
   * Allows an `http:` base URL to a host that is not loopback (the API key then travels in
   * clear; see the connectors' option of the same name). Only `true` opts in.
   * @default false
   */
  readonly allowInsecureUrl?: boolean | undefined;
}

/** What {@link openaiRestAuth} resolved. */
export interface OpenAIRestAuth {
  /** The base URL to use (the option, `OPENAI_BASE_URL` or OpenAI's), not yet checked. */
  readonly baseURL: string;
  /**
   * The request's headers: `Authorization: Bearer <key>`, `OpenAI-Organization`,
   * `OpenAI-Project`. A key function is asked on each call.
   * @throws ConfigurationError `CREDENTIAL_FAILED` when the key function throws or returns nothing.
   */
  readonly headers: () => Promise<Readonly<Record<string, string>>>;
}

/**
 * Resolves the key's source, the base URL and the headers of OpenAI's REST requests.
 * @param purpose ends the missing-key message: `to mint a client secret`.
 * @throws ConfigurationError `MISSING_CREDENTIALS` without `apiKey` or `OPENAI_API_KEY` (or a
 *   blank one).
 */
export function openaiRestAuth(options: OpenAIRestOptions, purpose: string): OpenAIRestAuth {
  const env = options.env ?? processEnv();
  const source = options.apiKey ?? envValue(env, 'OPENAI_API_KEY');
  if (source === undefined || isBlankSecret(source)) {
    throw new ConfigurationError(
      'MISSING_CREDENTIALS',
      `The OpenAI API key is required ${purpose}: pass \`apiKey\` or set OPENAI_API_KEY.`,
    );
  }
  const baseURL = options.baseURL ?? envValue(env, 'OPENAI_BASE_URL') ?? Endpoints.openaiBaseUrl;
  return {
    baseURL,
    headers: async () => {
      const key = await resolveSecret(source, 'API key');
      const organization = options.organization ?? envValue(env, 'OPENAI_ORG_ID');
      const project = options.project ?? envValue(env, 'OPENAI_PROJECT_ID');
      return {
        Authorization: `Bearer ${key}`,
        ...(organization === undefined ? {} : { 'OpenAI-Organization': organization }),
        ...(project === undefined ? {} : { 'OpenAI-Project': project }),
      };
    },
  };
}
