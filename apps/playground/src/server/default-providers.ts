/**
 * The real provider factories: the embedded fake from `@voxwire/testing` (real time, paced so
 * that audio arrives a little faster than it plays, as from a live model), OpenAI through
 * `@voxwire/node`, Azure through `@voxwire/azure`. Keys, URLs and the OpenAI organization and
 * project are passed explicitly (`config.ts` read them as @voxwire/node would); the connectors
 * never read the environment on their own here.
 * @module
 */
import { azureConnector } from '@voxwire/azure';
import { openaiConnector } from '@voxwire/node';
import { systemClock } from '@voxwire/protocol';
import { createFakeServer } from '@voxwire/testing';
import type { FakeServerKit } from '@voxwire/testing';
import { explainInsecureUrl } from './insecure-url.js';
import type { ProviderFactories } from './provider.js';

/** What the fake "hears" in a committed turn: it has no speech recogniser, so it says how long the turn was. */
export function describeHeardAudio(samples: Int16Array, sampleRate: number): string {
  return `${(samples.length / sampleRate).toFixed(1)} seconds of audio`;
}

/**
 * The embedded fake of one page session, in real time and paced so that audio arrives a little
 * faster than it plays, as from a live model.
 */
export function createEmbeddedFake(): FakeServerKit {
  return createFakeServer({
    clock: systemClock,
    // Generation at twice real time, like a live model: playback lags behind, so speaking
    // over the answer interrupts it for real.
    pacing: {
      firstOutputDelayMs: 250,
      audioChunkMs: 100,
      realtimeFactor: 0.5,
      textDeltaIntervalMs: 30,
    },
    transcribe: (samples, sampleRate) => describeHeardAudio(samples, sampleRate),
    transcriptionDeltas: 3,
    // The fake keeps every client event for test inspection; nobody inspects it here, and a
    // hands-free session streams 25 frames a second (~230 MB of base64 an hour) for good.
    recordAudioAppends: false,
  });
}

/**
 * Factories for the three providers. A URL refused for having no TLS is a `ConfigError` naming
 * VOXWIRE_ALLOW_INSECURE_URL (the connectors' own message names an option nobody can pass here).
 */
export const defaultProviderFactories: ProviderFactories = {
  fake: () => createEmbeddedFake().connector,
  openai: (config) =>
    explainInsecureUrl('OPENAI_BASE_URL', config.baseUrl, () =>
      openaiConnector({
        apiKey: config.apiKey,
        model: config.model,
        env: {},
        ...(config.baseUrl === undefined ? {} : { baseURL: config.baseUrl }),
        ...(config.organization === undefined ? {} : { organization: config.organization }),
        ...(config.project === undefined ? {} : { project: config.project }),
        allowInsecureUrl: config.allowInsecureUrl ?? false,
      }),
    ),
  azure: (config) =>
    explainInsecureUrl('AZURE_OPENAI_ENDPOINT', config.endpoint, () =>
      azureConnector({
        azureEndpoint: config.endpoint,
        apiKey: config.apiKey,
        azureDeployment: config.deployment,
        env: {},
        ...(config.apiVersion === undefined ? {} : { apiVersion: config.apiVersion }),
        ...(config.transcriptionDeployment === undefined
          ? {}
          : { transcriptionDeployment: config.transcriptionDeployment }),
        allowInsecureUrl: config.allowInsecureUrl ?? false,
      }),
    ),
};
