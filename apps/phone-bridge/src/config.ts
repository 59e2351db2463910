/**
 * Start-up configuration, read once from the environment: where to listen, the public URL, and
 * which provider (as the playground picks it: Azure if its variables are set, else OpenAI if
 * OPENAI_API_KEY is, else the embedded fake server, which needs no network and no key), and
 * where it is (OPENAI_BASE_URL, OPENAI_ORG_ID, OPENAI_PROJECT_ID, VOXWIRE_ALLOW_INSECURE_URL). A
 * provider half configured (some of the Azure variables, OpenAI's without its key) is an error,
 * not a quiet fall back to another provider or to the fake.
 * SIP mode (OpenAI's SIP trunk) is on with OPENAI_WEBHOOK_SECRET and the OpenAI provider, and
 * always with the fake (a local fake trunk, a generated secret unless one is set).
 * @module
 */
import { WEBHOOK_SECRET_PREFIX, decodeWebhookSecret } from '@voxwire/protocol';

/** Thrown for a bad environment (`main` prints the message and exits 2) or a bad bridge option. */
export class ConfigError extends Error {
  /** Stable code for programs. */
  readonly code = 'PHONE_BRIDGE_CONFIG' as const;
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Which realtime backend the calls talk to. */
export type ProviderConfig =
  | { readonly kind: 'fake' }
  | {
      readonly kind: 'openai';
      readonly apiKey: string;
      /** @default 'gpt-realtime' (OPENAI_REALTIME_MODEL) */
      readonly model: string;
      /**
       * A gateway, a proxy or a local `voxwire-fake-server` (OPENAI_BASE_URL): the realtime
       * sockets and the SIP calls' REST requests go there, with the key.
       * @default undefined (https://api.openai.com/v1)
       */
      readonly baseUrl: string | undefined;
      /** Sent as `OpenAI-Organization` (OPENAI_ORG_ID). @default undefined (not sent) */
      readonly organization: string | undefined;
      /** Sent as `OpenAI-Project` (OPENAI_PROJECT_ID). @default undefined (not sent) */
      readonly project: string | undefined;
      /** A `baseUrl` without TLS to a host that is not loopback is allowed (VOXWIRE_ALLOW_INSECURE_URL). @default false */
      readonly allowInsecureUrl: boolean;
    }
  | {
      readonly kind: 'azure';
      readonly endpoint: string;
      readonly apiKey: string;
      readonly deployment: string;
      /** An `endpoint` without TLS to a host that is not loopback is allowed (VOXWIRE_ALLOW_INSECURE_URL). @default false */
      readonly allowInsecureUrl: boolean;
    };

/** Everything the bridge needs to start. */
export interface BridgeConfig {
  /** Address to bind (HOST). @default '127.0.0.1' */
  readonly host: string;
  /** TCP port (PORT). @default 8080 */
  readonly port: number;
  /**
   * The https URL Twilio reaches the bridge at (PUBLIC_URL); `http://` only with
   * VOXWIRE_ALLOW_INSECURE_URL (a local test: Twilio connects only to `wss://`).
   * @default undefined
   */
  readonly publicUrl: string | undefined;
  /** The backend. @default the fake, without credentials */
  readonly provider: ProviderConfig;
  /**
   * The Twilio account's auth token (TWILIO_AUTH_TOKEN): requests not signed with it are refused.
   * @default undefined (requests are not checked; `main` warns when a real provider is used)
   */
  readonly twilioAuthToken: string | undefined;
  /**
   * SIP mode (`POST /openai/webhook`): on with OPENAI_WEBHOOK_SECRET and the OpenAI provider,
   * always with the fake.
   * @default false
   */
  readonly sip: boolean;
  /**
   * The signing secret of OpenAI's webhook (OPENAI_WEBHOOK_SECRET, `whsec_…`).
   * @default undefined (the fake generates one)
   */
  readonly webhookSecret: string | undefined;
  /**
   * The OpenAI project's id (OPENAI_PROJECT_ID), shown in the SIP URI to point a trunk at (and
   * sent as `OpenAI-Project` with the OpenAI provider's requests).
   * @default undefined (a placeholder is shown)
   */
  readonly openaiProjectId: string | undefined;
}

/** The environment variables read (a subset of `process.env`). */
export type Env = Readonly<Record<string, string | undefined>>;

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

/**
 * Checks that `publicUrl` is an origin (`https://abc.ngrok.app`, a port allowed): the TwiML's
 * stream URL and the URLs whose signatures are checked are the bridge's own paths on it. A path
 * would be dropped without a word (a proxy serving the bridge under `/phone` would have Twilio
 * sent to the wrong stream URL, and every signature refused), so it is a {@link ConfigError}.
 */
export function checkPublicUrl(publicUrl: string): void {
  let url: URL | undefined;
  try {
    url = new URL(publicUrl);
  } catch {
    url = undefined;
  }
  if (url === undefined || url.pathname !== '/' || url.search !== '' || url.hash !== '')
    throw new ConfigError(
      `PUBLIC_URL must be an origin such as https://abc.ngrok.app, without a path or query (the bridge serves /twiml and /media-stream at its root), got "${publicUrl}"`,
    );
}

/** The Azure variables, all needed together; the deployment has two names. */
const AZURE_VARIABLES = [
  ['AZURE_OPENAI_ENDPOINT'],
  ['AZURE_OPENAI_API_KEY'],
  ['AZURE_OPENAI_DEPLOYMENT', 'AZURE_OPENAI_REALTIME_DEPLOYMENT'],
] as const;

/** The OpenAI provider's variables that mean nothing without OPENAI_API_KEY. */
const OPENAI_KEYED_VARIABLES = [
  'OPENAI_BASE_URL',
  'OPENAI_REALTIME_MODEL',
  'OPENAI_ORG_ID',
  'OPENAI_PROJECT_ID',
] as const;

/**
 * Refuses a provider half configured. The provider is picked by which variables are set, so a
 * missing one (a deployment forgotten, a key not exported to this shell) would otherwise pick
 * another provider without a word: OpenAI, or the fake, which answers every call with "N seconds
 * of audio", and only the `provider:` line at start would say so.
 */
function checkProviderVariables(env: Env): void {
  const azureSet = AZURE_VARIABLES.map((names) => names.some((name) => nonEmpty(env[name])));
  if (azureSet.some(Boolean) && !azureSet.every(Boolean)) {
    const missing = AZURE_VARIABLES.filter((_, i) => !azureSet[i]).map(([name, alias]) =>
      alias === undefined ? name : `${name} (or ${alias})`,
    );
    throw new ConfigError(
      `Azure OpenAI needs AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY and AZURE_OPENAI_DEPLOYMENT together: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set. Set ${missing.length > 1 ? 'them' : 'it'}, or unset the Azure variables to use OPENAI_API_KEY or the embedded fake`,
    );
  }
  if (azureSet.some(Boolean) || nonEmpty(env.OPENAI_API_KEY)) return;
  const keyed = OPENAI_KEYED_VARIABLES.filter((name) => nonEmpty(env[name]));
  if (keyed.length > 0)
    throw new ConfigError(
      `${keyed.join(', ')} ${keyed.length > 1 ? 'are' : 'is'} set but OPENAI_API_KEY is not: set the key to use OpenAI, or unset ${keyed.length > 1 ? 'them' : 'it'} to use the embedded fake`,
    );
}

/** Reads the configuration from `env`. */
export function parseConfig(env: Env): BridgeConfig {
  const rawPort = nonEmpty(env.PORT) ?? '8080';
  if (!/^\d+$/.test(rawPort) || Number(rawPort) > 65_535)
    throw new ConfigError(`PORT must be a port number 0-65535, got "${rawPort}"`);
  const allowInsecureUrl = parseAllowInsecureUrl(env);
  const publicUrl = nonEmpty(env.PUBLIC_URL);
  if (publicUrl !== undefined && !/^https?:\/\/[^/]/.test(publicUrl))
    throw new ConfigError(`PUBLIC_URL must be an https:// URL, got "${publicUrl}"`);
  // the TwiML would send Twilio to ws://, which it refuses: every call would fail at its
  // answer; only a local test peer can use it, and says so with the escape hatch
  if (publicUrl !== undefined && /^http:/.test(publicUrl) && !allowInsecureUrl)
    throw new ConfigError(
      `PUBLIC_URL must be an https:// URL (Twilio connects only to wss://), got "${publicUrl}"; for a local test without TLS, set ${ALLOW_INSECURE_URL_VARIABLE}=1`,
    );
  if (publicUrl !== undefined) checkPublicUrl(publicUrl);
  checkProviderVariables(env);
  const endpoint = nonEmpty(env.AZURE_OPENAI_ENDPOINT);
  const azureKey = nonEmpty(env.AZURE_OPENAI_API_KEY);
  const deployment =
    nonEmpty(env.AZURE_OPENAI_DEPLOYMENT) ?? nonEmpty(env.AZURE_OPENAI_REALTIME_DEPLOYMENT);
  const openaiKey = nonEmpty(env.OPENAI_API_KEY);
  // OPENAI_BASE_URL, OPENAI_ORG_ID and OPENAI_PROJECT_ID as @voxwire/node reads them by default
  // (trimmed, empty is unset): a gateway's users must not have their key sent to api.openai.com
  const provider: ProviderConfig =
    endpoint && azureKey && deployment
      ? { kind: 'azure', endpoint, apiKey: azureKey, deployment, allowInsecureUrl }
      : openaiKey
        ? {
            kind: 'openai',
            apiKey: openaiKey,
            model: nonEmpty(env.OPENAI_REALTIME_MODEL) ?? 'gpt-realtime',
            baseUrl: nonEmpty(env.OPENAI_BASE_URL),
            organization: nonEmpty(env.OPENAI_ORG_ID),
            project: nonEmpty(env.OPENAI_PROJECT_ID),
            allowInsecureUrl,
          }
        : { kind: 'fake' };
  const webhookSecret = nonEmpty(env.OPENAI_WEBHOOK_SECRET);
  // the prefix is required although decodeWebhookSecret reads bare base64 too (Standard
  // Webhooks): OpenAI's secrets always carry it, and a value without it (`nope`, a password) is
  // a wrong paste that would have every call's webhook refused, found only when a call comes in
  if (
    webhookSecret !== undefined &&
    (!webhookSecret.startsWith(WEBHOOK_SECRET_PREFIX) ||
      decodeWebhookSecret(webhookSecret) === undefined)
  )
    throw new ConfigError(
      "OPENAI_WEBHOOK_SECRET must be the webhook's signing secret as the OpenAI dashboard shows it, whsec_ followed by base64",
    );
  if (webhookSecret !== undefined && provider.kind === 'azure')
    throw new ConfigError(
      "OPENAI_WEBHOOK_SECRET turns on SIP mode, which answers calls on OpenAI's SIP trunk: Azure OpenAI has no SIP trunk and its calls cannot be accepted with an Azure key. Unset it, or use OPENAI_API_KEY instead of the Azure variables",
    );
  return {
    host: nonEmpty(env.HOST) ?? '127.0.0.1',
    port: Number(rawPort),
    publicUrl,
    provider,
    twilioAuthToken: nonEmpty(env.TWILIO_AUTH_TOKEN),
    sip: provider.kind === 'fake' || webhookSecret !== undefined,
    webhookSecret,
    openaiProjectId: nonEmpty(env.OPENAI_PROJECT_ID),
  };
}
