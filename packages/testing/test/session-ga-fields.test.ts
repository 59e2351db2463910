/**
 * GA session fields the fake once refused or let through unchecked (audit F1, F5, F12): `reasoning`,
 * the values of `include`, the keys of each turn detection type and of a function tool, `rate` on
 * G.711, and the rate a PCM format is echoed with.
 */
import { describe, expect, it } from 'vitest';
import { FakeServer } from '../src/index.js';
import { connect, type TestClient } from './helpers.js';

async function update(c: TestClient, session: Record<string, unknown>, eventId = 'u1') {
  c.sendRaw(JSON.stringify({ type: 'session.update', event_id: eventId, session }));
  await c.flush();
  return c.events.at(-1)!;
}

describe('session.reasoning (RealtimeReasoning: { effort? })', () => {
  it('is taken by session.update and echoed; an effort outside the set is invalid_value', async () => {
    const c = await connect();
    const ok = await update(c, { type: 'realtime', reasoning: { effort: 'low' } });
    expect(ok.type).toBe('session.updated');
    expect(ok['session'].reasoning).toEqual({ effort: 'low' });
    const bad = await update(c, { type: 'realtime', reasoning: { effort: 'max' } }, 'u2');
    expect(bad['error']).toEqual({
      type: 'invalid_request_error',
      code: 'invalid_value',
      message:
        "Invalid value: 'max'. Supported values are: 'minimal', 'low', 'medium', 'high', and 'xhigh'.",
      param: 'session.reasoning.effort',
      event_id: 'u2',
    });
    const unknown = await update(c, { type: 'realtime', reasoning: { summary: 'auto' } }, 'u3');
    expect(unknown['error']).toMatchObject({
      code: 'unknown_parameter',
      param: 'session.reasoning.summary',
    });
  });

  it('is taken by the client-secret mint, which answers with it in the session', () => {
    const server = new FakeServer();
    const minted = server.mintClientSecret({
      session: { type: 'realtime', reasoning: { effort: 'high' } },
    });
    expect(minted.status).toBe(200);
    expect((minted.body['session'] as Record<string, unknown>)['reasoning']).toEqual({
      effort: 'high',
    });
    const refused = server.mintClientSecret({
      session: { type: 'realtime', reasoning: { effort: 'none' } },
    });
    expect(refused).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_value', param: 'session.reasoning.effort' } },
    });
  });
});

describe('values the GA schema does not take are refused, and the whole update discarded', () => {
  it.each([
    [
      'an include value outside the list',
      { include: ['bogus'] },
      {
        code: 'invalid_value',
        param: 'session.include[0]',
        message:
          "Invalid value: 'bogus'. Supported values are: 'item.input_audio_transcription.logprobs'.",
      },
    ],
    [
      "server_vad's tuning on a semantic_vad",
      { audio: { input: { turn_detection: { type: 'semantic_vad', threshold: 0.6 } } } },
      {
        code: 'unknown_parameter',
        param: 'session.audio.input.turn_detection.threshold',
        message: "Unknown parameter: 'session.audio.input.turn_detection.threshold'.",
      },
    ],
    [
      "semantic_vad's eagerness on a server_vad",
      { audio: { input: { turn_detection: { type: 'server_vad', eagerness: 'low' } } } },
      { code: 'unknown_parameter', param: 'session.audio.input.turn_detection.eagerness' },
    ],
    [
      'an unknown key in a function tool',
      { tools: [{ type: 'function', name: 'f', bogus: 1 }] },
      { code: 'unknown_parameter', param: 'session.tools[0].bogus' },
    ],
    [
      'an unknown key in a function tool without type',
      { tools: [{ name: 'f' }, { name: 'g', parameter: {} }] },
      { code: 'unknown_parameter', param: 'session.tools[1].parameter' },
    ],
    [
      'a rate on audio/pcmu',
      { audio: { output: { format: { type: 'audio/pcmu', rate: 24000 } } } },
      { code: 'unknown_parameter', param: 'session.audio.output.format.rate' },
    ],
    [
      'a rate on audio/pcma',
      { audio: { input: { format: { type: 'audio/pcma', rate: 8000 } } } },
      { code: 'unknown_parameter', param: 'session.audio.input.format.rate' },
    ],
  ])('%s', async (_what, fields, error) => {
    const c = await connect();
    const before = structuredClone(c.server.sessionConfig);
    const answer = await update(c, { type: 'realtime', instructions: 'changed', ...fields });
    expect(answer.type).toBe('error');
    expect(answer['error']).toMatchObject({ ...error, event_id: 'u1' });
    expect(c.server.sessionConfig).toEqual(before);
  });

  it('still takes what the schema allows: logprobs, a semantic_vad with its fields, an MCP tool, bare G.711', async () => {
    const c = await connect();
    const ok = await update(c, {
      type: 'realtime',
      include: ['item.input_audio_transcription.logprobs'],
      audio: {
        input: {
          turn_detection: { type: 'semantic_vad', eagerness: 'low', create_response: false },
        },
        output: { format: { type: 'audio/pcmu' } },
      },
      tools: [
        { type: 'function', name: 'f', description: 'd', parameters: { type: 'object' } },
        {
          type: 'mcp',
          server_label: 's',
          server_url: 'https://mcp.example',
          require_approval: 'never',
        },
      ],
    });
    expect(ok.type).toBe('session.updated');
    expect(ok['session'].audio.input.turn_detection).toEqual({
      type: 'semantic_vad',
      eagerness: 'low',
      create_response: false,
      interrupt_response: true,
    });
    expect(ok['session'].audio.output.format).toEqual({ type: 'audio/pcmu' });
  });
});

describe('the audio format echo', () => {
  it('a PCM format sent without rate is echoed (and kept) with the rate the server uses', async () => {
    const c = await connect();
    const ok = await update(c, {
      type: 'realtime',
      audio: {
        input: { format: { type: 'audio/pcm' } },
        output: { format: { type: 'audio/pcm' } },
      },
    });
    expect(ok['session'].audio.input.format).toEqual({ type: 'audio/pcm', rate: 24000 });
    expect(ok['session'].audio.output.format).toEqual({ type: 'audio/pcm', rate: 24000 });
    expect(c.server.sessionConfig!['audio']).toMatchObject({
      input: { format: { type: 'audio/pcm', rate: 24000 } },
    });
  });
});
