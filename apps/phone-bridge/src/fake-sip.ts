/**
 * A local stand-in for OpenAI's SIP trunk, for trying SIP mode without a phone number: the ws fake
 * server of `@voxwire/testing/ws` with its SIP trunk on, posting each simulated call's signed
 * webhook to the bridge's own `/openai/webhook`. `POST /fake/sip/incoming` on it rings the bridge;
 * `POST /fake/sip/calls/{call_id}/speak|hangup` make the simulated caller speak or hang up.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { openaiConnector, realtimeCalls } from '@voxwire/node';
import { WEBHOOK_SECRET_PREFIX, systemClock } from '@voxwire/protocol';
import type { Clock } from '@voxwire/protocol';
import {
  FAKE_SIP_CALLS_PATH,
  FAKE_SIP_INCOMING_PATH,
  startFakeWsServer,
} from '@voxwire/testing/ws';
import type { FakeWsServer, FakeWsServerOptions } from '@voxwire/testing/ws';
import { OPENAI_WEBHOOK_PATH } from './sip.js';
import type { SipOptions } from './sip.js';

/** What the printed curl commands show where the call id goes (the ring's answer gives it). */
export const CALL_ID_PLACEHOLDER = '<call id>';

/** A fresh webhook signing secret, `whsec_` and 32 random bytes in base64 (as OpenAI's look). */
export function generateWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/** Options of {@link startFakeSipTrunk}. */
export interface FakeSipTrunkOptions {
  /** The webhook's signing secret. @default generateWebhookSecret() */
  readonly webhookSecret?: string | undefined;
  /**
   * The fake's clock (its pacing, the webhook's timestamp), the side-band's and the webhook
   * check's: one clock, so a simulated one drives them all.
   * @default systemClock
   */
  readonly clock?: Clock | undefined;
  /**
   * More options of the ws fake (`behaviour`, `pacing`, `transcribe`, `pingIntervalMs`, …);
   * `apiKey`, `clock` and `webhook` are the trunk's own.
   * @default a fake paced like a live model that says how long the caller spoke
   */
  readonly fake?: Omit<FakeWsServerOptions, 'apiKey' | 'clock' | 'webhook' | 'server'> | undefined;
}

/** A running fake SIP trunk. */
export interface FakeSipTrunk {
  /** The ws fake (its `sip.incoming()` places a call from code; `server.calls` shows them). */
  readonly fake: FakeWsServer;
  /** SIP mode's options for the bridge, pointed at the fake. */
  readonly sip: SipOptions;
  /** The URL whose `POST` places a simulated call (`http://127.0.0.1:PORT/fake/sip/incoming`). */
  readonly incomingUrl: string;
  /** Stops the fake (its calls hang up). */
  close(): Promise<void>;
}

// the fake's demo answer, as the Twilio mode's embedded fake has it
const DEMO_FAKE: FakeSipTrunkOptions['fake'] = {
  pacing: { firstOutputDelayMs: 250, audioChunkMs: 100, realtimeFactor: 0.5 },
  transcribe: (samples, rate) => `${(samples.length / rate).toFixed(1)} seconds of audio`,
  recordAudioAppends: false,
};

/** The bridge's URL as a loopback client reaches it (a bridge bound to every interface). */
function loopbackUrl(bridgeUrl: string): string {
  const url = new URL(bridgeUrl);
  if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  else if (url.hostname === '[::]') url.hostname = '[::1]';
  return url.origin;
}

/**
 * Starts the fake SIP trunk for the bridge at `bridgeUrl`: the ws fake on a free loopback port,
 * its webhook going to `bridgeUrl` + `/openai/webhook`, and the bridge's SIP options talking to
 * it (accept/reject/hangup over HTTP, the side-band over a WebSocket) with a key of its own.
 */
export async function startFakeSipTrunk(
  bridgeUrl: string,
  options: FakeSipTrunkOptions = {},
): Promise<FakeSipTrunk> {
  const secret = options.webhookSecret ?? generateWebhookSecret();
  const clock = options.clock ?? systemClock;
  // a key only this process knows: the fake listens on loopback, but other users may share it
  const apiKey = `sk-fake-${randomBytes(12).toString('hex')}`;
  const fake = await startFakeWsServer({
    ...(options.fake ?? DEMO_FAKE),
    apiKey,
    clock,
    webhook: { url: `${loopbackUrl(bridgeUrl)}${OPENAI_WEBHOOK_PATH}`, secret },
  });
  const baseURL = fake.url.replace(/^ws/, 'http');
  const sip: SipOptions = {
    webhookSecret: secret,
    calls: realtimeCalls({ apiKey, baseURL, env: {}, clock }),
    sideband: (callId) => ({
      connector: openaiConnector({ apiKey, baseURL, callId, env: {}, clock }),
    }),
    clock,
  };
  return {
    fake,
    sip,
    incomingUrl: `${new URL(baseURL).origin}${FAKE_SIP_INCOMING_PATH}`,
    close: () => fake.close(),
  };
}

/**
 * The curl commands the bridge prints for the fake trunk: `ring` places a call (its answer is
 * `{"call_id":"rtc_…",…}`), then `speak` (a turn of the default length) and `hangUp` act on
 * that call, with {@link CALL_ID_PLACEHOLDER} where its id goes.
 */
export function fakeSipCurlCommands(trunk: Pick<FakeSipTrunk, 'incomingUrl'>): {
  readonly ring: string;
  readonly speak: string;
  readonly hangUp: string;
} {
  // the placeholder spelled out: `fakeSipCallerPath` would URL-encode it
  const calls = `${new URL(trunk.incomingUrl).origin}${FAKE_SIP_CALLS_PATH}/${CALL_ID_PLACEHOLDER}`;
  return {
    ring: `curl -X POST ${trunk.incomingUrl}`,
    speak: `curl -X POST ${calls}/speak`,
    hangUp: `curl -X POST ${calls}/hangup`,
  };
}
