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

/** Builds the runtime of `config`. Configuration errors (a bad endpoint) throw now, at start-up. */
export function createProviderRuntime(config: ProviderConfig): ProviderRuntime {
  switch (config.kind) {
    case 'fake':
      return {
        model: new RealtimeModel({ ...SHARED, connector: fakeConnector() }),
        sessionOverrides: () => ({ connector: fakeConnector() }),
        label: 'embedded fake server (no network, no key)',
      };
    case 'openai':
      return {
        model: new RealtimeModel({
          ...SHARED,
          connector: openaiConnector({ apiKey: config.apiKey, model: config.model, env: {} }),
        }),
        sessionOverrides: () => ({}),
        label: `OpenAI, model ${config.model}`,
      };
    case 'azure':
      return {
        model: new RealtimeModel({
          ...SHARED,
          connector: azureConnector({
            azureEndpoint: config.endpoint,
            apiKey: config.apiKey,
            azureDeployment: config.deployment,
            env: {},
          }),
        }),
        sessionOverrides: () => ({}),
        label: `Azure OpenAI, deployment ${config.deployment}`,
      };
  }
}

/**
 * SIP mode's options on OpenAI: the calls are accepted, hung up and driven (side-band) with the
 * provider's key; the accept names the provider's model.
 */
export function openaiSipOptions(
  provider: Extract<ProviderConfig, { kind: 'openai' }>,
  webhookSecret: string,
): SipOptions {
  const { apiKey } = provider;
  return {
    webhookSecret,
    model: provider.model,
    calls: realtimeCalls({ apiKey, env: {} }),
    // a side-band URL carries no model: the call's session has the accept's
    sideband: (callId) => ({ connector: openaiConnector({ apiKey, callId, env: {} }) }),
  };
}
