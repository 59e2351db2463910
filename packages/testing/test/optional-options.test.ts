/**
 * exactOptionalPropertyTypes is on in this repo and in many users' projects: an option a caller
 * passes through as `undefined` (`{ port: opts.port }`) must type-check and mean its default.
 */
import { describe, expect, it } from 'vitest';
import {
  createFakeServer,
  speechThenSilence,
  synthesizeSpeech,
  tone,
  type ResponsePacing,
} from '../src/index.js';
import { startFakeWsServer, startLoopbackWsServer, startRefusingServer } from '../src/ws/index.js';
import { connect } from './helpers.js';

const u = undefined;

describe('options passed through as undefined mean their defaults', () => {
  it('pacing, audio helpers and the response context', async () => {
    const pacing: ResponsePacing = {
      firstOutputDelayMs: u,
      audioChunkMs: u,
      realtimeFactor: u,
      textDeltaIntervalMs: u,
      msPerChar: u,
    };
    const c = await connect({ pacing, transcribe: u });
    c.server.queueResponse((ctx) => {
      ctx.callFunction('f', {}, { callId: u });
      ctx.fail({ type: u, code: u });
    });
    c.send({ type: 'response.create' });
    await c.flush();
    expect(c.events.find((e) => e.type === 'response.done')?.['response']).toMatchObject({
      status: 'failed',
      status_details: { error: { type: 'server_error', code: 'internal_error' } },
    });
    expect(
      speechThenSilence(100, 100, { sampleRate: u, frameMs: u, frequency: u, amplitude: u }),
    ).toHaveLength(2);
    expect(synthesizeSpeech('a', { sampleRate: u, msPerChar: u, amplitude: u })).toHaveLength(1440);
    expect(tone(10, { frequency: u, amplitude: u, sampleRate: u })).toHaveLength(240);
    expect(createFakeServer({ pacing: {} }).server).toBeDefined();
  });

  it('the ws servers', async () => {
    const ws = await startFakeWsServer({
      port: u,
      host: u,
      azure: u,
      beta: u,
      pingIntervalMs: u,
      tls: u,
      clock: u,
      server: u,
    });
    expect(ws.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v1$/);
    await ws.close();
    const loop = await startLoopbackWsServer({ autoPong: u, path: u, subprotocol: u });
    await loop.close();
    const refusing = await startRefusingServer({ status: 503, body: u, headers: u });
    await refusing.close();
  });
});
