/**
 * `pnpm --filter @voxwire/phone-bridge start`: reads the environment (PORT, HOST, PUBLIC_URL,
 * TWILIO_AUTH_TOKEN, OPENAI_WEBHOOK_SECRET, the provider's variables and
 * VOXWIRE_ALLOW_INSECURE_URL), starts the bridge, prints its URLs. Without provider variables a
 * local fake SIP trunk starts too, and the curl commands that ring it and make the simulated
 * caller speak and hang up are printed. Ctrl-C ends the calls (SIP calls are hung up).
 * @module
 */
import { ALLOW_INSECURE_URL_VARIABLE, ConfigError, parseConfig } from './config.js';
import type { BridgeConfig } from './config.js';
import { fakeSipCurlCommands, startFakeSipTrunk } from './fake-sip.js';
import type { FakeSipTrunk } from './fake-sip.js';
import { createProviderRuntime, openaiSipOptions } from './provider.js';
import { MEDIA_STREAM_PATH, TWIML_PATH, startPhoneBridgeServer } from './server.js';
import type { PhoneBridgeServerOptions } from './server.js';
import { OPENAI_WEBHOOK_PATH, openaiSipUri } from './sip.js';
import { stopOnSignals } from './stop-signals.js';

/** SIP mode's option of the server for `config`, and where the fake trunk is kept. */
function sipOption(
  config: BridgeConfig,
  started: { trunk?: FakeSipTrunk },
): PhoneBridgeServerOptions['sip'] {
  if (!config.sip) return undefined;
  const { provider, webhookSecret } = config;
  if (provider.kind === 'openai' && webhookSecret !== undefined)
    return openaiSipOptions(provider, webhookSecret);
  // the fake: its trunk posts webhooks to the bridge, so it starts once the bridge listens
  return async (bridgeUrl) => {
    started.trunk = await startFakeSipTrunk(bridgeUrl, { webhookSecret });
    return started.trunk.sip;
  };
}

async function main(): Promise<void> {
  let config;
  let runtime;
  let sip;
  const started: { trunk?: FakeSipTrunk } = {};
  try {
    config = parseConfig(process.env);
    // the connectors check their URLs as they are made: a refused one is a configuration error
    runtime = createProviderRuntime(config.provider);
    sip = sipOption(config, started);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`phone-bridge: ${error.message}`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  const server = await startPhoneBridgeServer({
    model: runtime.model,
    sessionOverrides: () => runtime.sessionOverrides(),
    host: config.host,
    port: config.port,
    publicUrl: config.publicUrl,
    twilioAuthToken: config.twilioAuthToken,
    sip,
  });
  const publicBase = (config.publicUrl ?? 'https://<your tunnel>').replace(/\/$/, '');
  console.log(`voxwire phone bridge: ${server.url}`);
  console.log(`provider: ${runtime.label}`);
  console.log(`Twilio voice webhook (POST): ${publicBase}${TWIML_PATH}`);
  console.log(`media stream: ${server.url.replace(/^http/, 'ws')}${MEDIA_STREAM_PATH}`);
  if (started.trunk !== undefined) {
    console.log(`fake SIP trunk: ${started.trunk.fake.url} (webhooks to ${OPENAI_WEBHOOK_PATH})`);
    const curl = fakeSipCurlCommands(started.trunk);
    console.log(`place a simulated SIP call: ${curl.ring}`);
    console.log(`the caller speaks a turn (the call_id of that answer): ${curl.speak}`);
    console.log(`the caller hangs up: ${curl.hangUp}`);
  } else if (config.sip) {
    console.log(`OpenAI webhook (realtime.call.incoming): ${publicBase}${OPENAI_WEBHOOK_PATH}`);
    console.log(
      `SIP trunk destination: ${openaiSipUri(config.openaiProjectId ?? '<your project id, proj_…>')}`,
    );
  }
  if (config.provider.kind !== 'fake' && config.provider.allowInsecureUrl)
    console.warn(
      `phone-bridge warn: ${ALLOW_INSECURE_URL_VARIABLE} is set: a provider URL without TLS is not refused, and the API key travels to it in clear`,
    );
  if (config.publicUrl?.startsWith('http:'))
    console.warn(
      `phone-bridge warn: PUBLIC_URL is http:// (${ALLOW_INSECURE_URL_VARIABLE} is set): the TwiML points at ws://, which Twilio refuses; only a local test peer can open the media stream`,
    );
  if (config.twilioAuthToken === undefined && config.provider.kind !== 'fake')
    console.warn(
      'phone-bridge warn: TWILIO_AUTH_TOKEN is not set, so requests are not checked to come from Twilio: anyone who finds the public URL can place calls on your provider key',
    );
  console.log('press Ctrl-C to stop');
  stopOnSignals(
    process,
    async () => {
      await server.close();
      await started.trunk?.close();
      await runtime.model.close();
    },
    console.log,
  );
}

main().catch((error: unknown) => {
  console.error(`phone-bridge: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
