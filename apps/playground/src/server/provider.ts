/**
 * Turns the start-up provider choice into what a page session needs: a `Connector` for core, the
 * secret-free description the page shows, and the session defaults that suit that provider.
 * @module
 */
import type { Connector } from '@voxwire/protocol';
import type { ProviderInfo } from '../shared/page-messages.js';
import type { ProviderConfig } from './config.js';

/** What a page session gets from the provider. */
export interface ProviderRuntime {
  /** Shown on the page (never a key). */
  readonly info: ProviderInfo;
  /** A fresh connector for one page session (the fake gets a fresh server per session). */
  connector(): Connector;
  /** Whether input transcription is available (Azure needs a transcription deployment). */
  readonly transcription: boolean;
}

/** Factories for each provider, injectable so tests can swap the network ones for local fakes. */
export interface ProviderFactories {
  fake(): Connector;
  openai(config: Extract<ProviderConfig, { kind: 'openai' }>): Connector;
  azure(config: Extract<ProviderConfig, { kind: 'azure' }>): Connector;
}

/** Builds the runtime of `config` with `factories`. Configuration errors (a bad URL) throw now, at start-up. */
export function createProviderRuntime(
  config: ProviderConfig,
  factories: ProviderFactories,
): ProviderRuntime {
  switch (config.kind) {
    case 'fake':
      return {
        info: {
          kind: 'fake',
          label: 'Embedded fake server (no network)',
          model: 'voxwire demo agent',
        },
        connector: () => factories.fake(),
        transcription: true,
      };
    case 'openai': {
      const connector = factories.openai(config); // validates the URL and key once, now
      return {
        info: {
          kind: 'openai',
          label: config.baseUrl ? `OpenAI (${hostOf(config.baseUrl)})` : 'OpenAI',
          model: config.model,
        },
        connector: () => connector,
        transcription: true,
      };
    }
    case 'azure': {
      const connector = factories.azure(config);
      return {
        info: {
          kind: 'azure',
          label: `Azure OpenAI (${hostOf(config.endpoint)})`,
          model: config.deployment,
        },
        connector: () => connector,
        // Azure transcription needs its own deployment name; without one, transcription is off.
        transcription: config.transcriptionDeployment !== undefined,
      };
    }
  }
}

/** The host of a URL, for labels; never the query (which could hold a key). */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'custom endpoint';
  }
}
