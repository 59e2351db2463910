/**
 * Start-up configuration: which provider, which port. Read once from argv and the environment so
 * the rest of the server never touches `process`.
 * @module
 */

/** Thrown for a bad command line or environment; `main` prints the message and exits 2. */
export class ConfigError extends Error {
  /** Stable code for programs. */
  readonly code = 'PLAYGROUND_CONFIG' as const;
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The embedded fake: no network, no key. */
export interface FakeProviderConfig {
  kind: 'fake';
}

/** OpenAI over WebSocket with an API key held by the server. */
export interface OpenAIProviderConfig {
  kind: 'openai';
  apiKey: string;
  /** Realtime model. @default 'gpt-realtime' (OPENAI_REALTIME_MODEL) */
  model: string;
  /** Base URL override for proxies or a local fake (OPENAI_BASE_URL). @default undefined */
  baseUrl?: string | undefined;
  /** Sent as `OpenAI-Organization` (OPENAI_ORG_ID). @default undefined (not sent) */
  organization?: string | undefined;
  /** Sent as `OpenAI-Project` (OPENAI_PROJECT_ID). @default undefined (not sent) */
  project?: string | undefined;
  /** A `baseUrl` without TLS to a host that is not loopback is allowed (VOXWIRE_ALLOW_INSECURE_URL). @default false */
  allowInsecureUrl?: boolean | undefined;
}

/** Azure OpenAI (GA path) with an API key held by the server. */
export interface AzureProviderConfig {
  kind: 'azure';
  endpoint: string;
  apiKey: string;
  deployment: string;
  /** Preview api-version: when set, the beta dialect on the preview path is used. @default undefined (GA path) */
  apiVersion?: string | undefined;
  /** Deployment of the input transcription model; without one, input transcription is off. @default undefined */
  transcriptionDeployment?: string | undefined;
  /** An `endpoint` without TLS to a host that is not loopback is allowed (VOXWIRE_ALLOW_INSECURE_URL). @default false */
  allowInsecureUrl?: boolean | undefined;
}

/** Any provider. */
export type ProviderConfig = FakeProviderConfig | OpenAIProviderConfig | AzureProviderConfig;

/** Everything the server needs to start. */
export interface PlaygroundConfig {
  provider: ProviderConfig;
  /** TCP port; 0 asks the OS for a free one. @default 0 */
  port: number;
}

/** The environment variables the playground reads (a subset of `process.env`). */
export type Env = Readonly<Record<string, string | undefined>>;

const HELP = `voxwire playground

usage: pnpm playground [--port N] [--provider fake|openai|azure]

  --port N        port on 127.0.0.1 (env PORT); default: a free port
  --provider P    force a provider; default: azure if the Azure variables are set,
                  else openai if OPENAI_API_KEY is set, else the embedded fake

environment:
  OPENAI_API_KEY, OPENAI_REALTIME_MODEL (default gpt-realtime), OPENAI_BASE_URL,
  OPENAI_ORG_ID, OPENAI_PROJECT_ID
  AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY, AZURE_OPENAI_DEPLOYMENT
  (or AZURE_OPENAI_REALTIME_DEPLOYMENT), AZURE_OPENAI_API_VERSION (preview path only),
  AZURE_OPENAI_TRANSCRIPTION_DEPLOYMENT (turns on input transcription)
  VOXWIRE_ALLOW_INSECURE_URL=1  allow a ws:/http: OPENAI_BASE_URL or AZURE_OPENAI_ENDPOINT
                  to a host that is not loopback (the key travels in clear)`;

/** The usage text printed by `--help`. */
export const usage = HELP;

/**
 * The variable that lets the key travel to a provider URL without TLS (a gateway or a fake
 * server on a private network): the connectors' `allowInsecureUrl`.
 */
export const ALLOW_INSECURE_URL_VARIABLE = 'VOXWIRE_ALLOW_INSECURE_URL';

/**
 * Reads {@link ALLOW_INSECURE_URL_VARIABLE}: `1` or `true` allow, unset, empty, `0` or `false`
 * do not (case and surrounding spaces ignored).
 * @throws ConfigError for any other value: `yes` read as "no" would leave the user wondering
 *   why the setting does nothing, and a typo read as "yes" would send keys in clear.
 */
export function parseAllowInsecureUrl(env: Env): boolean {
  const raw = env[ALLOW_INSECURE_URL_VARIABLE]?.trim().toLowerCase() ?? '';
  if (raw === '1' || raw === 'true') return true;
  if (raw === '' || raw === '0' || raw === 'false') return false;
  throw new ConfigError(
    `${ALLOW_INSECURE_URL_VARIABLE} must be 1 (allow a provider URL without TLS) or 0, got "${env[ALLOW_INSECURE_URL_VARIABLE]}"`,
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function parsePort(raw: string, from: string): number {
  if (!/^\d+$/.test(raw))
    throw new ConfigError(`${from} must be a port number 0-65535, got "${raw}"`);
  const port = Number(raw);
  if (port > 65_535) throw new ConfigError(`${from} must be a port number 0-65535, got ${port}`);
  return port;
}

function azureFrom(env: Env, allowInsecureUrl: boolean): AzureProviderConfig | undefined {
  const endpoint = nonEmpty(env.AZURE_OPENAI_ENDPOINT);
  const apiKey = nonEmpty(env.AZURE_OPENAI_API_KEY);
  const deployment =
    nonEmpty(env.AZURE_OPENAI_DEPLOYMENT) ?? nonEmpty(env.AZURE_OPENAI_REALTIME_DEPLOYMENT);
  if (!endpoint || !apiKey || !deployment) return undefined;
  return {
    kind: 'azure',
    endpoint,
    apiKey,
    deployment,
    apiVersion: nonEmpty(env.AZURE_OPENAI_API_VERSION),
    transcriptionDeployment: nonEmpty(env.AZURE_OPENAI_TRANSCRIPTION_DEPLOYMENT),
    allowInsecureUrl,
  };
}

function openaiFrom(env: Env, allowInsecureUrl: boolean): OpenAIProviderConfig | undefined {
  const apiKey = nonEmpty(env.OPENAI_API_KEY);
  if (!apiKey) return undefined;
  return {
    kind: 'openai',
    apiKey,
    model: nonEmpty(env.OPENAI_REALTIME_MODEL) ?? 'gpt-realtime',
    // the rest as @voxwire/node reads them by default (the factories pass `env: {}`)
    baseUrl: nonEmpty(env.OPENAI_BASE_URL),
    organization: nonEmpty(env.OPENAI_ORG_ID),
    project: nonEmpty(env.OPENAI_PROJECT_ID),
    allowInsecureUrl,
  };
}

/** Result of parsing: either a config or a request for the help text. */
export type ParsedArgs = { help: true } | { help: false; config: PlaygroundConfig };

/**
 * Reads `--port`, `--provider`, `--help` and the environment. Azure wins over OpenAI when both are
 * configured because Azure needs three variables, which nobody sets by accident.
 */
export function parseConfig(argv: readonly string[], env: Env): ParsedArgs {
  let port = env.PORT !== undefined && env.PORT !== '' ? parsePort(env.PORT, 'PORT') : 0;
  let forced: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') return { help: true };
    if (arg === '--') continue; // `pnpm playground -- --port 8080` passes the separator through
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    if (flag === '--port' || flag === '--provider') {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new ConfigError(`${flag} needs a value`);
      if (flag === '--port') port = parsePort(value, '--port');
      else forced = value;
      continue;
    }
    throw new ConfigError(`unknown argument "${arg}" (try --help)`);
  }
  // read with any provider, so a bad value is refused before it matters
  const allowInsecureUrl = parseAllowInsecureUrl(env);
  const azure = azureFrom(env, allowInsecureUrl);
  const openai = openaiFrom(env, allowInsecureUrl);
  let provider: ProviderConfig;
  switch (forced) {
    case undefined:
      provider = azure ?? openai ?? { kind: 'fake' };
      break;
    case 'fake':
      provider = { kind: 'fake' };
      break;
    case 'openai':
      if (!openai) throw new ConfigError('--provider openai needs OPENAI_API_KEY');
      provider = openai;
      break;
    case 'azure':
      if (!azure)
        throw new ConfigError(
          '--provider azure needs AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY and AZURE_OPENAI_DEPLOYMENT',
        );
      provider = azure;
      break;
    default:
      throw new ConfigError(`--provider must be fake, openai or azure, got "${forced}"`);
  }
  return { help: false, config: { provider, port } };
}

/** Every secret in a provider config, so outgoing frames can be scrubbed of them. */
export function secretsOf(provider: ProviderConfig): string[] {
  return provider.kind === 'fake' ? [] : [provider.apiKey];
}
