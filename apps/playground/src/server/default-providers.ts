/**
 * The real provider factories: the embedded fake from `@voxwire/testing` (real time, paced so
 * that audio arrives a little faster than it plays, as from a live model), OpenAI through
 * `@voxwire/node`, Azure through `@voxwire/azure`. Keys are passed explicitly; the connectors
 * never read the environment on their own here.
 * @module
 */
import { azureConnector } from '@voxwire/azure';
import { openaiConnector } from '@voxwire/node';
import { systemClock } from '@voxwire/protocol';
import { createFakeServer } from '@voxwire/testing';
import type { FakeServerKit } from '@voxwire/testing';
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

/** Factories for the three providers. */
export const defaultProviderFactories: ProviderFactories = {
  fake: () => createEmbeddedFake().connector,
  openai: (config) =>
    openaiConnector({
      apiKey: config.apiKey,
      model: config.model,
      env: {},
      ...(config.baseUrl === undefined ? {} : { baseURL: config.baseUrl }),
    }),
  azure: (config) =>
    azureConnector({
      azureEndpoint: config.endpoint,
      apiKey: config.apiKey,
      azureDeployment: config.deployment,
      env: {},
      ...(config.apiVersion === undefined ? {} : { apiVersion: config.apiVersion }),
      ...(config.transcriptionDeployment === undefined
        ? {}
        : { transcriptionDeployment: config.transcriptionDeployment }),
    }),
};
