/**
 * `computeMetrics` on its own: every usage field lands in its metric, missing ones are 0 (never
 * NaN or Infinity), and times are the injected clock's.
 */
import { describe, expect, it } from 'vitest';
import type { ResponseResource } from '@voxwire/protocol';
import { computeMetrics } from '../src/metrics.js';
import { RealtimeResponse } from '../src/responses/tree.js';
import { openSession, setup } from './helpers.js';

function response(usage: ResponseResource['usage'] | null, createdAt = 1000): RealtimeResponse {
  const r = new RealtimeResponse('resp_1', { id: 'resp_1' } as ResponseResource, createdAt);
  r.usage = usage ?? null;
  r.status = 'completed';
  return r;
}

describe('computeMetrics', () => {
  it('takes image tokens (GA: an input_image in the conversation) into the input breakdown', () => {
    const m = computeMetrics(
      response({
        total_tokens: 1230,
        input_tokens: 1200,
        output_tokens: 30,
        input_token_details: {
          text_tokens: 100,
          audio_tokens: 300,
          image_tokens: 800,
          cached_tokens: 640,
          cached_tokens_details: { text_tokens: 64, audio_tokens: 64, image_tokens: 512 },
        },
        output_token_details: { text_tokens: 10, audio_tokens: 20 },
      } as ResponseResource['usage']),
      1500,
    );
    expect(m.inputTokenDetails).toEqual({
      cachedTokens: 640,
      textTokens: 100,
      audioTokens: 300,
      imageTokens: 800,
      cachedTokensDetails: { textTokens: 64, audioTokens: 64, imageTokens: 512 },
    });
    expect(m.promptTokens).toBe(
      m.inputTokenDetails.textTokens +
        m.inputTokenDetails.audioTokens +
        m.inputTokenDetails.imageTokens,
    );
    expect(m.tokensPerSecond).toBe(60);
    expect(m.durationMs).toBe(500);
  });

  it('no usage and no time: zeros, never NaN or Infinity', () => {
    const m = computeMetrics(response(null), 1000);
    for (const [key, value] of Object.entries(m))
      if (typeof value === 'number') expect(Number.isFinite(value), key).toBe(true);
    expect(m).toMatchObject({ durationMs: 0, tokensPerSecond: 0, ttftMs: -1, totalTokens: 0 });
    expect(m.inputTokenDetails).toEqual({
      cachedTokens: 0,
      textTokens: 0,
      audioTokens: 0,
      imageTokens: 0,
      cachedTokensDetails: { textTokens: 0, audioTokens: 0, imageTokens: 0 },
    });
  });
});

describe('metrics_collected', () => {
  it('is computed before the response_done listeners run: one editing the response cannot change it', async () => {
    const s = setup('ga');
    s.server.queueResponse((ctx) => ctx.say('Hello there.'));
    const session = await openSession(s, { modalities: ['text'] });
    const seen: { outputTokens: number; cancelled: boolean }[] = [];
    session.on('response_done', (r) => {
      // an app redacting or "fixing" what it was handed
      if (r.usage) (r.usage as { output_tokens: number }).output_tokens = 999_999;
      (r as { status: string }).status = 'cancelled';
    });
    session.on('metrics_collected', (m) =>
      seen.push({ outputTokens: m.completionTokens, cancelled: m.cancelled }),
    );
    await session.response.generate();
    await s.settle();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.outputTokens).toBeGreaterThan(0);
    expect(seen[0]!.outputTokens).not.toBe(999_999);
    expect(seen[0]!.cancelled).toBe(false);
    await session.close();
  });
});
