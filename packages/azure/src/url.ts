/**
 * Azure OpenAI realtime URLs, both forms (protocol.md §5.2): GA
 * `/openai/v1/realtime?model=<deployment>` (no api-version: it gives 401 there) and the preview
 * `/openai/realtime?api-version=…&deployment=…` that speaks the beta dialect.
 * @module
 */
import type { Dialect } from '@voxwire/protocol';
import { ConfigurationError, toWebSocketUrl } from '@voxwire/node';

/** Options of {@link azureRealtimeUrl}. Exactly one of `endpoint` and `baseURL`. */
export interface AzureRealtimeUrlOptions {
  /**
   * The resource endpoint, `https://<resource>.openai.azure.com`; `/openai` is appended unless the
   * path already ends in `/openai` or `/openai/v1`. A deployment's path after `/openai`
   * (`/openai/deployments/<name>/…`) is dropped. These paths are matched in any case
   * (`/OpenAI/v1/`) and sent in Azure's lower case.
   * @default undefined
   */
  readonly endpoint?: string | undefined;
  /**
   * A base URL used as given (e.g. `https://<resource>.openai.azure.com/openai`, or a gateway);
   * the realtime path is appended unless it already ends in `/realtime`. One ending in Azure's
   * realtime path of the other form (`/openai/realtime` ↔ `/openai/v1/realtime`) takes the
   * form the api-version selects; a deployment's path after `/openai`
   * (`/openai/deployments/<name>/…`) is dropped, and an Azure resource's bare endpoint
   * (`https://<resource>.openai.azure.com`, `….cognitiveservices.azure.com`) gets `/openai`.
   * Azure's paths are matched in any case and sent in its lower case; a gateway's own path
   * (`/Voice/Realtime`) is kept as given.
   * @default undefined
   */
  readonly baseURL?: string | undefined;
  /** The deployment name (`?model=` on GA, `?deployment=` on preview), trimmed. */
  readonly deployment: string;
  /**
   * An API version. A `*-preview` version selects the preview endpoint (beta dialect); any other
   * value, or none, selects the GA endpoint, which takes no api-version.
   * @default undefined (GA)
   */
  readonly apiVersion?: string | undefined;
  /** `?intent=` (GA only; `'transcription'` for a transcription-only session). @default undefined */
  readonly intent?: string | undefined;
  /** `?call_id=` (GA only) to attach to a WebRTC or SIP call. @default undefined */
  readonly callId?: string | undefined;
}

/** A resolved Azure realtime URL and the dialect the endpoint speaks. */
export interface AzureRealtimeTarget {
  /** The WebSocket URL (`wss:`), with no credentials in it. */
  readonly url: URL;
  /** `'beta'` for the preview endpoint, `'ga'` otherwise. */
  readonly dialect: Dialect;
  /** `'preview'` or `'ga'`. */
  readonly form: 'preview' | 'ga';
}

/** The hosts of Azure OpenAI resources (`<resource>.openai.azure.com`, `….cognitiveservices.azure.com`). */
const AZURE_RESOURCE_HOST = /\.(openai|cognitiveservices)\.azure\.com$/i;

/** Query parameters of the realtime URL itself, set from the options only. */
const REALTIME_PARAMS = /^(api-version|deployment|model|intent|call_id)$/i;

/** Whether an api-version names the preview interface (`2025-04-01-preview`, …). */
export function isPreviewApiVersion(apiVersion: string | undefined): boolean {
  return apiVersion !== undefined && /-preview$/i.test(apiVersion.trim());
}

/**
 * Builds the realtime URL for an Azure OpenAI deployment. Pure: no environment, no network.
 * @throws ConfigurationError `CONFLICTING_OPTIONS` when both `endpoint` and `baseURL` are given,
 *   `MISSING_OPTION` when neither is or the deployment is empty, `INVALID_URL` for a bad URL.
 */
export function azureRealtimeUrl(options: AzureRealtimeUrlOptions): AzureRealtimeTarget {
  const { endpoint, baseURL } = options;
  if (endpoint !== undefined && baseURL !== undefined) {
    throw new ConfigurationError(
      'CONFLICTING_OPTIONS',
      'base_url and azure_endpoint are mutually exclusive',
    );
  }
  if (options.deployment === undefined || options.deployment.trim() === '') {
    throw new ConfigurationError(
      'MISSING_OPTION',
      'The Azure deployment name is required (azureDeployment).',
    );
  }
  // a name read from a file or a CRLF .env keeps its line break: sent as `%0A`, it named no
  // deployment (a fatal 404) although the name looked right in every message
  const deployment = options.deployment.trim();
  if (endpoint === undefined && baseURL === undefined) {
    throw new ConfigurationError(
      'MISSING_OPTION',
      'Missing Azure endpoint: pass azureEndpoint or baseURL, or set AZURE_OPENAI_ENDPOINT.',
    );
  }
  const base =
    endpoint !== undefined
      ? toWebSocketUrl(endpoint, 'Azure endpoint')
      : toWebSocketUrl(baseURL!, 'base URL');
  // a deployment's own path (`…/openai/deployments/<name>`, openai-python's Azure base URL for a
  // deployment, or a chat deployment's target URI `…/chat/completions?…`) names no realtime
  // endpoint: appended to, it was a 404. Only its `/openai` is kept; the deployment comes from
  // the options, as a pasted realtime URL's does
  base.pathname = base.pathname.replace(/\/openai\/deployments(?:\/.*)?$/i, '/openai');
  // Azure's path segments typed in another case (`/OpenAI/v1/`, `/openai/Realtime`) are the same
  // endpoint: matched case-sensitively they were doubled (`/OpenAI/v1/openai/v1/realtime`), a
  // 404. They are written in Azure's own lower case, so the rules below see one form
  base.pathname = base.pathname.replace(/\/openai(?:\/v1)?(?:\/realtime)?\/*$/i, (tail) =>
    tail.toLowerCase(),
  );
  // an Azure resource's bare endpoint given as the base URL (`baseURL: AZURE_OPENAI_ENDPOINT`):
  // Azure serves realtime only under `/openai` (protocol.md §5.2), so used as given it was
  // `/v1/realtime`, a 404. Another host's bare URL is a gateway's and stays as it is
  if (
    endpoint === undefined &&
    AZURE_RESOURCE_HOST.test(base.hostname) &&
    /^\/*$/.test(base.pathname)
  )
    base.pathname = '/openai';
  if (endpoint !== undefined) {
    // a deployment's whole realtime URL (the portal's target URI, `…/openai/realtime?…`) is a
    // common paste too: its `/realtime` goes, and its query with the realtime parameters below
    const path = base.pathname
      .replace(/\/+$/, '')
      .replace(/\/openai(\/v1)?\/realtime$/, '/openai$1');
    // an endpoint pasted with its `/openai` or `/openai/v1` path (the v1 base URL Azure's SDK
    // samples show) is taken as it is, not doubled into a 404
    base.pathname = /\/openai(\/v1)?$/.test(path) ? path : `${path}/openai`;
  }
  const preview = isPreviewApiVersion(options.apiVersion);
  // a base URL that ends in Azure's own realtime path of the other form (a pasted target URI, an
  // api-version left in the environment) takes the options' form, as an endpoint does: the GA
  // path answers an api-version with 401 (reported as bad credentials), the preview path a
  // request without one with 404; a gateway's own `…/realtime` path is left as it is
  const path = base.pathname
    .replace(/\/+$/, '')
    .replace(/\/openai(\/v1)?\/realtime$/, preview ? '/openai/realtime' : '/openai/v1/realtime');
  const url = new URL(base);
  url.search = '';
  // a gateway's own segments are matched in any case too (`/Voice/Realtime`, `/proxy/V1`) but
  // kept as given: its routes are its business
  if (/\/realtime$/i.test(path)) url.pathname = path;
  else if (preview) url.pathname = `${path.replace(/\/v1$/i, '')}/realtime`;
  else url.pathname = `${/\/v1$/i.test(path) ? path : `${path}/v1`}/realtime`;
  // keep a gateway's own query parameters, minus anything that looks like a credential and the
  // realtime parameters the options set (a pasted URL's `deployment=` next to `model=`, an
  // `api-version` of the other form): those come from the options alone
  for (const [k, v] of base.searchParams)
    if (!/^(api-key|key|token)$/i.test(k) && !REALTIME_PARAMS.test(k)) url.searchParams.set(k, v);
  if (preview) {
    url.searchParams.set('api-version', options.apiVersion!.trim());
    url.searchParams.set('deployment', deployment);
  } else {
    url.searchParams.delete('api-version');
    url.searchParams.set('model', deployment);
    if (options.intent !== undefined) url.searchParams.set('intent', options.intent);
    if (options.callId !== undefined) url.searchParams.set('call_id', options.callId);
  }
  return { url, dialect: preview ? 'beta' : 'ga', form: preview ? 'preview' : 'ga' };
}
