/**
 * @voxwire/azure — Azure OpenAI realtime: GA and preview URL forms, API key and Microsoft Entra
 * authentication (tokens fetched on every connect), Azure's wire differences, and ephemeral
 * keys minted server-side for browsers.
 * @module
 */
export { azureConnector, resolveAzureConfig } from './connector.js';
export type { AzureConnectorOptions, ResolvedAzureConfig } from './connector.js';
export { azureRealtimeUrl, isPreviewApiVersion } from './url.js';
export type { AzureRealtimeTarget, AzureRealtimeUrlOptions } from './url.js';
export { AZURE_COGNITIVE_SERVICES_SCOPE, credentialTokenProvider } from './auth.js';
export type { CredentialTokenProviderOptions, TokenProvider } from './auth.js';
export { azureFrameRewriter, rewritingTransport } from './differences.js';
export type { AzureFrameRewriteOptions } from './differences.js';
export {
  AZURE_DEFAULT_TRANSCRIPTION_MODEL,
  AZURE_DEFAULT_TURN_DETECTION,
  withAzure,
} from './with-azure.js';
export type { WithAzureOptions } from './with-azure.js';
export { createAzureClientSecret } from './client-secret.js';
export type { CreateAzureClientSecretOptions } from './client-secret.js';
