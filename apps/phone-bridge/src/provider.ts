/**
 * The model the calls' sessions come from, for each provider. One model for the process, a
 * session per call (core README "Many calls in one process"); the fake gets a fresh embedded
 * server per call, through the session's own `connector`.
 * @module
 */
import { azureConnector } from '@voxwire/azure';
import { RealtimeModel } from '@voxwire/core';
import type { SessionOverrides } from '@voxwire/core';
import { openaiConnector, realtimeCalls } from '@voxwire/node';
import { systemClock } from '@voxwire/protocol';
import { createFakeServer } from '@voxwire/testing';
import type { ProviderConfig } from './config.js';
import { explainInsecureUrl } from './insecure-url.js';
import type { SipOptions } from './sip.js';

/** The model and the per-call session options of a provider. */
export interface ProviderRuntime {
  /** The shared model. */
  readonly model: RealtimeModel;
  /** Options of each call's session. */
  sessionOverrides(): SessionOverrides;
  /** One line for the console (never a key). */
  readonly label: string;
}

/** A fresh embedded fake (real time, paced like a live model): it says how long the caller spoke. */
function fakeConnector() {
  return createFakeServer({
    clock: systemClock,
    pacing: { firstOutputDelayMs: 250, audioChunkMs: 100, realtimeFactor: 0.5 },
    transcribe: (samples, rate) => `${(samples.length / rate).toFixed(1)} seconds of audio`,
    // nobody inspects a live call's appends: 50 a second for the whole call
    recordAudioAppends: false,
  }).connector;
}

// phone calls run for a long time and nothing here reads session.responses
const SHARED = { maxRetainedResponses: 0 } as const;

/**
 * Where and as whom the OpenAI provider's requests go, shared by the Twilio calls' connector,
 * the SIP calls' REST client and their side-bands. Every value comes from the configuration,
 * which read the environment once; `env: {}` keeps the connectors from reading it again.
 */
function openaiAuth(config: Extract<ProviderConfig, { kind: 'openai' }>) {
  return {
    apiKey: config.apiKey,
    ...(config.baseUrl === undefined ? {} : { baseURL: config.baseUrl }),
    ...(config.organization === undefined ? {} : { organization: config.organization }),
    ...(config.project === undefined ? {} : { project: config.project }),
    allowInsecureUrl: config.allowInsecureUrl,
    env: {},
  };
}

/** The host of a URL, for the console; never its path or query (which may hold a key). */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'a custom endpoint';
  }
}

/**
 * Builds the runtime of `config`. Configuration errors (a bad endpoint) throw now, at start-up;
 * a URL refused for having no TLS is a `ConfigError` naming VOXWIRE_ALLOW_INSECURE_URL.
 */
export function createProviderRuntime(config: ProviderConfig): ProviderRuntime {
  switch (config.kind) {
    case 'fake':
      return {
        model: new RealtimeModel({ ...SHARED, connector: fakeConnector() }),
        sessionOverrides: () => ({ connector: fakeConnector() }),
        label: 'embedded fake server (no network, no key)',
      };
    case 'openai': {
      const connector = explainInsecureUrl('OPENAI_BASE_URL', config.baseUrl, () =>
        openaiConnector({ ...openaiAuth(config), model: config.model }),
      );
      return {
        model: new RealtimeModel({ ...SHARED, connector }),
        sessionOverrides: () => ({}),
        label:
          config.baseUrl === undefined
            ? `OpenAI, model ${config.model}`
            : `OpenAI at ${hostOf(config.baseUrl)} (OPENAI_BASE_URL), model ${config.model}`,
      };
    }
    case 'azure': {
      const connector = explainInsecureUrl('AZURE_OPENAI_ENDPOINT', config.endpoint, () =>
        azureConnector({
          azureEndpoint: config.endpoint,
          apiKey: config.apiKey,
          azureDeployment: config.deployment,
          allowInsecureUrl: config.allowInsecureUrl,
          env: {},
        }),
      );
      return {
        model: new RealtimeModel({ ...SHARED, connector }),
        sessionOverrides: () => ({}),
        label: `Azure OpenAI, deployment ${config.deployment}`,
      };
    }
  }
}

/**
 * SIP mode's options on OpenAI: the calls are accepted, hung up and driven (side-band) with the
 * provider's key, at its base URL, organization and project; the accept names its model.
 */
export function openaiSipOptions(
  provider: Extract<ProviderConfig, { kind: 'openai' }>,
  webhookSecret: string,
): SipOptions {
  const auth = openaiAuth(provider);
  return {
    webhookSecret,
    model: provider.model,
    calls: explainInsecureUrl('OPENAI_BASE_URL', provider.baseUrl, () => realtimeCalls(auth)),
    // a side-band URL carries no model: the call's session has the accept's
    sideband: (callId) => ({ connector: openaiConnector({ ...auth, callId }) }),
  };
}
