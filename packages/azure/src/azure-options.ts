/**
 * Where an Azure OpenAI resource is and how to authenticate to it: the options `azureConnector`
 * (and so `withAzure`) and `createAzureClientSecret` share, resolved by `resolveAzureConfig` for
 * both, so a deployment, endpoint or credential is read the same way whether a session connects
 * or a browser's key is minted.
 * @module
 */
import type { TokenCredential } from '@azure/core-auth';
import type { SecretSource } from '@voxwire/node';
import type { TokenProvider } from './auth.js';

/** The Azure resource, deployment and credential options. */
export interface AzureResourceOptions {
  /**
   * The realtime model's deployment name (sent trimmed; a minted key's session `model` defaults
   * to it). Required.
   */
  readonly azureDeployment: string;
  /**
   * The resource endpoint, `https://<resource>.openai.azure.com` (a pasted `…/openai/v1` path is
   * not doubled; a deployment's path, `…/openai/deployments/<name>…`, is cut back to `…/openai`).
   * Mutually exclusive with `baseURL`.
   * @default process.env.AZURE_OPENAI_ENDPOINT (when `baseURL` is not given)
   */
  readonly azureEndpoint?: string | undefined;
  /**
   * A base URL used instead of the endpoint (`https://<resource>.openai.azure.com/openai`, a
   * gateway). An Azure resource's bare endpoint (no path) gets `/openai` as `azureEndpoint` does,
   * and a deployment's path is cut back to `…/openai`; another host's URL is used as given.
   * Mutually exclusive with `azureEndpoint`.
   * @default undefined
   */
  readonly baseURL?: string | undefined;
  /**
   * API version. A `*-preview` version selects the preview endpoint and the beta dialect (the
   * connector), or is refused (`createAzureClientSecret`: the preview's ephemeral keys come from
   * another endpoint); the GA endpoint (the default) takes none.
   * @default process.env.OPENAI_API_VERSION, else none (GA)
   */
  readonly apiVersion?: string | undefined;
  /**
   * An API key (or a function returning one, called on every connect or mint; a connect shares a
   * token provider's pending call), sent as `api-key`.
   * @default process.env.AZURE_OPENAI_API_KEY (only when no Entra source is given)
   */
  readonly apiKey?: SecretSource | undefined;
  /**
   * A static Microsoft Entra token, sent as `Authorization: Bearer` (a leading `Bearer ` given
   * with it is dropped, as for a `tokenProvider`'s answer). It expires (about an hour): prefer
   * `tokenProvider` or `credential` for anything long-lived.
   * @default undefined
   */
  readonly entraToken?: string | undefined;
  /**
   * Returns a Microsoft Entra token; called on every connect or mint (e.g.
   * `getBearerTokenProvider(...)`), within the mint's `timeoutMs`. A connect retry that starts
   * while an earlier connect's call is still pending (after a connect timeout) waits for that
   * call instead of making another.
   * @default undefined
   */
  readonly tokenProvider?: TokenProvider | undefined;
  /**
   * An `@azure/core-auth` `TokenCredential` (e.g. `DefaultAzureCredential`). The connector caches
   * its token and renews it `tokenRefreshMarginMs` before it expires; a token refused with HTTP
   * 401 at the upgrade is dropped and the connect retried once with a fresh one (a second 401 is
   * a fatal `AUTH_FAILED`). A mint asks it on every call (it keeps its own cache).
   * @default undefined
   */
  readonly credential?: TokenCredential | undefined;
  /**
   * Scope requested from `credential`.
   * @default 'https://cognitiveservices.azure.com/.default'
   */
  readonly tokenScope?: string | undefined;
}
