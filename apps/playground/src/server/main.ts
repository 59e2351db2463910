/**
 * `pnpm playground`: parses the command line, starts the server on 127.0.0.1 and prints the URL.
 * Stops cleanly on Ctrl-C (a second Ctrl-C quits at once: `stop-signals.ts`).
 * @module
 */
import { ALLOW_INSECURE_URL_VARIABLE, ConfigError, parseConfig, usage } from './config.js';
import { defaultProviderFactories } from './default-providers.js';
import { startPlaygroundServer } from './server.js';
import { stopOnSignals } from './stop-signals.js';

/** Prints a bad command line or environment and sets exit code 2; rethrows anything else. */
function reportConfigError(error: unknown): void {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`playground: ${error.message}`);
  process.exitCode = 2;
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseConfig(process.argv.slice(2), process.env);
  } catch (error) {
    reportConfigError(error);
    return;
  }
  if (parsed.help) {
    console.log(usage);
    return;
  }
  const { config } = parsed;
  let server;
  try {
    server = await startPlaygroundServer({
      provider: config.provider,
      factories: defaultProviderFactories,
      port: config.port,
    });
  } catch (error) {
    // a provider URL the connector refused (no TLS) is the environment's fault too
    reportConfigError(error);
    return;
  }
  const providerLine =
    config.provider.kind === 'fake'
      ? 'embedded fake server (no network, no key) — set OPENAI_API_KEY or the AZURE_OPENAI_* variables for a live model'
      : config.provider.kind === 'openai'
        ? `OpenAI, model ${config.provider.model} (key from OPENAI_API_KEY, kept in this process)`
        : `Azure OpenAI, deployment ${config.provider.deployment} (key kept in this process)`;
  console.log(`voxwire playground: ${server.url}`);
  console.log(`provider: ${providerLine}`);
  if (config.provider.kind !== 'fake' && config.provider.allowInsecureUrl === true)
    console.warn(
      `playground warn: ${ALLOW_INSECURE_URL_VARIABLE} is set: a provider URL without TLS is not refused, and the API key travels to it in clear`,
    );
  console.log('press Ctrl-C to stop');
  stopOnSignals(process, () => server.close(), console.log);
}

main().catch((error: unknown) => {
  console.error(`playground: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
