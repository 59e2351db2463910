/**
 * `pnpm --filter @voxwire/phone-bridge start`: reads the environment (PORT, HOST, PUBLIC_URL,
 * TWILIO_AUTH_TOKEN and the provider's variables), starts the bridge, prints its URLs. Ctrl-C ends the calls.
 * @module
 */
import { ConfigError, parseConfig } from './config.js';
import { createProviderRuntime } from './provider.js';
import { MEDIA_STREAM_PATH, TWIML_PATH, startPhoneBridgeServer } from './server.js';
import { stopOnSignals } from './stop-signals.js';

async function main(): Promise<void> {
  let config;
  try {
    config = parseConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`phone-bridge: ${error.message}`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  const runtime = createProviderRuntime(config.provider);
  const server = await startPhoneBridgeServer({
    model: runtime.model,
    sessionOverrides: () => runtime.sessionOverrides(),
    host: config.host,
    port: config.port,
    publicUrl: config.publicUrl,
    twilioAuthToken: config.twilioAuthToken,
  });
  const publicBase = config.publicUrl ?? 'https://<your tunnel>';
  console.log(`voxwire phone bridge: ${server.url}`);
  console.log(`provider: ${runtime.label}`);
  console.log(`Twilio voice webhook (POST): ${publicBase.replace(/\/$/, '')}${TWIML_PATH}`);
  console.log(`media stream: ${server.url.replace(/^http/, 'ws')}${MEDIA_STREAM_PATH}`);
  if (config.twilioAuthToken === undefined && config.provider.kind !== 'fake')
    console.warn(
      'phone-bridge warn: TWILIO_AUTH_TOKEN is not set, so requests are not checked to come from Twilio: anyone who finds the public URL can place calls on your provider key',
    );
  console.log('press Ctrl-C to stop');
  stopOnSignals(
    process,
    async () => {
      await server.close();
      await runtime.model.close();
    },
    console.log,
  );
}

main().catch((error: unknown) => {
  console.error(`phone-bridge: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
