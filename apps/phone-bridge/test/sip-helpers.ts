/**
 * SIP mode over real loopback sockets: the bridge server, and the fake SIP trunk (the ws fake of
 * `@voxwire/testing/ws`) posting its signed webhooks to the bridge, on one SimulatedClock. Time
 * moves only when a test runs it; waits are on socket events, a few event-loop turns per step.
 * @module
 */
import { createOpenAIRealtimeModel } from '@voxwire/node';
import { signWebhook } from '@voxwire/protocol';
import { SimulatedClock } from '@voxwire/testing';
import type { LogLevel } from '../src/log.js';
import { startPhoneBridgeServer } from '../src/server.js';
import type { PhoneBridgeServer } from '../src/server.js';
import { startFakeSipTrunk } from '../src/fake-sip.js';
import type { FakeSipTrunk } from '../src/fake-sip.js';
import { OPENAI_WEBHOOK_PATH } from '../src/sip.js';
import type { SipOptions } from '../src/sip.js';
import { io } from './helpers.js';
import type { Cleanups } from './helpers.js';

/** One log line of the bridge. */
export interface LogLine {
  readonly level: LogLevel;
  readonly message: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}

/** The bridge in SIP mode with a fake trunk; `sip` rewrites the trunk's options (a wrong secret). */
export async function startSipBridge(
  cleanups: Cleanups,
  options: { sip?: (trunk: FakeSipTrunk) => SipOptions } = {},
) {
  const clock = new SimulatedClock();
  // the Twilio mode's model: never connected here (every SIP session has its side-band connector)
  const model = createOpenAIRealtimeModel({
    apiKey: 'sk-unused',
    baseURL: 'http://127.0.0.1:9/v1',
    env: {},
    clock,
    keepAlive: false,
    random: () => 0,
  });
  cleanups.push(() => model.close());
  const logs: LogLine[] = [];
  let trunk: FakeSipTrunk | undefined;
  const bridge: PhoneBridgeServer = await startPhoneBridgeServer({
    model,
    clock,
    heartbeatMs: false,
    log: (level, message, fields) => logs.push({ level, message, ...(fields ? { fields } : {}) }),
    sip: async (url) => {
      trunk = await startFakeSipTrunk(url, { clock, fake: { pingIntervalMs: false } });
      cleanups.push(() => trunk!.close());
      return options.sip ? options.sip(trunk) : trunk.sip;
    },
  });
  cleanups.push(() => bridge.close());
  const fake = trunk!.fake;
  /** Runs the clock 20 ms a step, with the sockets' I/O between steps, until `done` holds. */
  const steps = async (done: () => boolean, what: string, maxSteps = 500): Promise<void> => {
    for (let i = 0; i < maxSteps && !done(); i++) {
      await io();
      await clock.advanceAsync(20);
    }
    if (!done()) throw new Error(`timed out waiting for ${what}`);
  };
  /** The log lines at warn or error. */
  const problems = () => logs.filter((l) => l.level !== 'info');
  /** POSTs `body` to the bridge's webhook, signed now with the trunk's secret as `webhookId`. */
  const postSigned = async (webhookId: string, body: string): Promise<Response> => {
    const timestamp = Math.floor(clock.now() / 1000);
    const secret = trunk!.sip.webhookSecret;
    const signature = await signWebhook({ secret, id: webhookId, timestamp, body });
    return fetch(`${bridge.url}${OPENAI_WEBHOOK_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': webhookId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signature,
      },
      body,
    });
  };
  return { clock, model, bridge, trunk: trunk!, fake, logs, steps, problems, postSigned };
}
