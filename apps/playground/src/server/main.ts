/**
 * `pnpm playground`: parses the command line, starts the server on 127.0.0.1 and prints the URL.
 * Stops cleanly on Ctrl-C (a second Ctrl-C quits at once: `stop-signals.ts`).
 * @module
 */
import { ConfigError, parseConfig, usage } from './config.js';
import { defaultProviderFactories } from './default-providers.js';
import { startPlaygroundServer } from './server.js';
import { stopOnSignals } from './stop-signals.js';

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`playground: ${error.message}`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  if (parsed.help) {
    console.log(usage);
    return;
  }
  const { config } = parsed;
  const server = await startPlaygroundServer({
    provider: config.provider,
    factories: defaultProviderFactories,
    port: config.port,
  });
  const providerLine =
    config.provider.kind === 'fake'
      ? 'embedded fake server (no network, no key) — set OPENAI_API_KEY or the AZURE_OPENAI_* variables for a live model'
      : config.provider.kind === 'openai'
        ? `OpenAI, model ${config.provider.model} (key from OPENAI_API_KEY, kept in this process)`
        : `Azure OpenAI, deployment ${config.provider.deployment} (key kept in this process)`;
  console.log(`voxwire playground: ${server.url}`);
  console.log(`provider: ${providerLine}`);
  console.log('press Ctrl-C to stop');
  stopOnSignals(process, () => server.close(), console.log);
}

main().catch((error: unknown) => {
  console.error(`playground: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
