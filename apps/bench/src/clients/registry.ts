/**
 * Name → loader. Loaders import their library lazily, so a client process pays only for the
 * library under test, and the import-cost workload measures exactly that import.
 * @module
 */
import { BenchClientError, CLIENT_NAMES, type BenchClient, type ClientName } from './types.js';

const loaders: Record<ClientName, () => Promise<BenchClient>> = {
  floor: async () => (await import('./floor.js')).load(),
  voxwire: async () => (await import('./voxwire.js')).load('listener'),
  'voxwire-iterator': async () => (await import('./voxwire.js')).load('iterator'),
  'openai-ws': async () => (await import('./openai-ws.js')).load(),
  'agents-transport': async () => (await import('./agents.js')).loadTransport(),
  'agents-session': async () => (await import('./agents.js')).loadSession(),
  livekit: async () => (await import('./livekit.js')).load(),
};

/** True when `name` is a client under test. */
export function isClientName(name: string): name is ClientName {
  return (CLIENT_NAMES as readonly string[]).includes(name);
}

/** Import and initialise one client library. */
export async function loadClient(name: ClientName): Promise<BenchClient> {
  try {
    return await loaders[name]();
  } catch (error) {
    throw new BenchClientError(
      'CLIENT_UNAVAILABLE',
      `${name} could not be loaded: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
