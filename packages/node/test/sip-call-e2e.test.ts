/**
 * The README's phone agent on OpenAI's SIP trunk, end to end over real loopback sockets against
 * the ws fake: a call rings, the fake POSTs the signed `realtime.call.incoming` webhook to the
 * app's own HTTP server, which verifies it (`verifyWebhook`), accepts the call
 * (`realtimeCalls().accept`) and drives it over a side-band session (`openai.connector({ callId })`):
 * it greets the caller, the caller asks for an order, the side-band runs the tool, the server
 * plays the follow-up to the caller, and the app hangs up. One simulated clock for the fake and
 * the app; waits are on socket events, never on wall time.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defineTool, type RealtimeSession } from '@voxwire/core';
import { SimulatedClock } from '@voxwire/testing';
import { startFakeWsServer } from '@voxwire/testing/ws';
import { afterEach, describe, expect, it } from 'vitest';
import {
  isRealtimeCallIncoming,
  openai,
  realtimeCalls,
  verifyWebhook,
  WebhookVerificationError,
} from '../src/index.js';
import { type Cleanups, io, recordUnhandledRejections } from './scenario-helpers.js';

const KEY = 'sk-proj-SIP-e2e-0000';
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// what the app's handlers threw (a failed accept): none, in every test
const appErrors: unknown[] = [];
afterEach(() => {
  expect(appErrors.splice(0)).toEqual([]);
});

/** An async request handler for `createServer`, its failure recorded rather than unhandled. */
function handle(
  fn: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    fn(req, res).catch((error: unknown) => {
      appErrors.push(error);
      res.writeHead(500).end();
    });
  };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('a phone agent on the SIP trunk (webhook → accept → side-band session)', () => {
  it('verifies, accepts, greets, runs a tool for the caller, plays the answer, hangs up', async () => {
    const clock = new SimulatedClock();
    const unhandled = recordUnhandledRejections(cleanups);
    const steps = async (done: () => boolean, what: string) => {
      for (let i = 0; i < 400 && !done(); i++) {
        await io();
        await clock.advanceAsync(20);
      }
      if (!done()) throw new Error(`timed out waiting for ${what}`);
    };

    // the app: as the README writes it, with the fake's URLs and the simulated clock
    const toolRuns: string[] = [];
    const orderStatus = defineTool<{ id: string }>({
      name: 'order_status',
      description: 'Where an order is',
      parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      execute: ({ id }) => (toolRuns.push(id), { id, status: 'in the oven' }),
    });
    let fakeBase = '';
    const sessions: RealtimeSession[] = [];
    const refused: unknown[] = [];
    const app = createServer(
      handle(async (req, res) => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        let event;
        try {
          event = verifyWebhook(Buffer.concat(chunks), req.headers, { secret: SECRET, clock });
        } catch (error) {
          refused.push(error);
          res.writeHead(error instanceof WebhookVerificationError ? 400 : 500).end();
          return;
        }
        res.writeHead(200).end();
        if (!isRealtimeCallIncoming(event)) return;
        const callId = event.data.call_id;
        const calls = realtimeCalls({ apiKey: KEY, baseURL: fakeBase, env: {}, clock });
        await calls.accept(callId, {
          model: 'gpt-realtime',
          instructions: 'You answer the phone for a pizza place.',
          audio: { output: { voice: 'marin' } },
        });
        const model = openai.realtime({
          apiKey: KEY,
          baseURL: fakeBase,
          env: {},
          clock,
          keepAlive: false,
          random: () => 0,
          tools: [orderStatus],
        });
        const session = model.session({
          connector: openai.connector({ apiKey: KEY, baseURL: fakeBase, env: {}, callId, clock }),
        });
        cleanups.push(() => model.close());
        sessions.push(session);
        await session.response.create();
      }),
    );
    const appUrl = await listen(app);

    const fake = await startFakeWsServer({
      apiKey: KEY,
      clock,
      pingIntervalMs: false,
      webhook: { url: `${appUrl}/webhooks/openai`, secret: SECRET },
    });
    cleanups.push(() => fake.close());
    fakeBase = fake.url.replace(/^ws/, 'http');
    fake.server.queueResponse((ctx) => ctx.say('Pizza Place, how can I help?'));
    fake.server.scriptTranscription('Where is my order 42?');
    fake.server.queueResponse((ctx) =>
      ctx.callFunction('order_status', { id: '42' }, { callId: 'call_42' }),
    );
    fake.server.queueResponse((ctx) => ctx.say('Order 42 is in the oven.'));

    // the phone rings
    const call = fake.sip.incoming({ from: 'sip:+14155550123@carrier.example' });
    await steps(() => call.state === 'active' && sessions.length === 1, 'the accept');
    const session = sessions[0]!;
    await steps(() => session.responses.at(-1)?.status === 'completed', 'the greeting');
    expect(call.acceptBody).toMatchObject({
      instructions: 'You answer the phone for a pizza place.',
    });
    // the side-band's session is the call's: media audio, and the app's tools on it
    expect(session.audioPath).toBe('media');
    expect(call.connection?.session['tools']).toEqual([
      expect.objectContaining({ name: 'order_status' }),
    ]);
    await steps(() => call.outputAudio.at(-1)?.state === 'stopped', 'the greeting played');

    // the caller asks; the side-band runs the tool; the server plays the follow-up
    call.speakTurn(600, 700);
    await steps(() => toolRuns.length === 1 && session.responses.length === 3, 'the tool round');
    await steps(() => session.responses.at(-1)?.status === 'completed', 'the follow-up');
    expect(toolRuns).toEqual(['42']);
    await steps(
      () => call.outputAudio.length === 2 && call.outputAudio[1]?.state === 'stopped',
      'the follow-up played',
    );
    expect(
      call.clientEvents.filter((e) => e.via === 'sideband').map((e) => e.event['type']),
    ).toEqual(
      expect.arrayContaining(['session.update', 'response.create', 'conversation.item.create']),
    );

    // the app hangs up: the call ends, and the side-band session with it (no error, no retry)
    const errors: string[] = [];
    session.on('error', (e) => errors.push(`${e.code}: ${e.message}`));
    await realtimeCalls({ apiKey: KEY, baseURL: fakeBase, env: {}, clock }).hangup(call.callId);
    await steps(() => call.state === 'ended', 'the hangup');
    expect(call.endReason).toBe('hangup');
    await steps(() => session.connectionState.status === 'closed', 'the session to end');
    expect(session.connectionState).toEqual({ status: 'closed', error: undefined });
    expect(errors).toEqual([]);
    expect(call.sidebands).toHaveLength(1);
    expect(refused).toEqual([]);
    expect(unhandled).toEqual([]);
  });

  it('a webhook with a bad signature is refused before anything is accepted', async () => {
    const clock = new SimulatedClock();
    const refused: unknown[] = [];
    const app = createServer(
      handle(async (req, res) => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        try {
          verifyWebhook(Buffer.concat(chunks), req.headers, {
            secret: 'whsec_RdvaYFYUXuIFuEbvZHwMfYFhUf7aMYjYcmM24+Aj40c=',
            clock,
          });
          res.writeHead(200).end();
        } catch (error) {
          refused.push(error);
          res.writeHead(400).end();
        }
      }),
    );
    const appUrl = await listen(app);
    const fake = await startFakeWsServer({
      apiKey: KEY,
      clock,
      pingIntervalMs: false,
      webhook: { url: appUrl, secret: SECRET },
    });
    cleanups.push(() => fake.close());
    const call = fake.sip.incoming();
    await expect(call.webhookDelivered).resolves.toEqual({ state: 'delivered', status: 400 });
    expect(refused).toEqual([expect.objectContaining({ code: 'INVALID_SIGNATURE' })]);
    expect(call.state).toBe('ringing');
  });
});
