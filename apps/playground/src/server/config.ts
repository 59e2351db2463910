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
  OPENAI_API_KEY, OPENAI_REALTIME_MODEL (default gpt-realtime), OPENAI_BASE_URL
  AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY, AZURE_OPENAI_DEPLOYMENT
  (or AZURE_OPENAI_REALTIME_DEPLOYMENT), AZURE_OPENAI_API_VERSION (preview path only),
  AZURE_OPENAI_TRANSCRIPTION_DEPLOYMENT (turns on input transcription)`;

/** The usage text printed by `--help`. */
export const usage = HELP;

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

function azureFrom(env: Env): AzureProviderConfig | undefined {
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
  };
}

function openaiFrom(env: Env): OpenAIProviderConfig | undefined {
  const apiKey = nonEmpty(env.OPENAI_API_KEY);
  if (!apiKey) return undefined;
  return {
    kind: 'openai',
    apiKey,
    model: nonEmpty(env.OPENAI_REALTIME_MODEL) ?? 'gpt-realtime',
    baseUrl: nonEmpty(env.OPENAI_BASE_URL),
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
  const azure = azureFrom(env);
  const openai = openaiFrom(env);
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
