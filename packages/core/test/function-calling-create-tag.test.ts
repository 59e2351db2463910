/**
 * A `response.create()` that gives its response executable tools, or settings its follow-up
 * inherits, is matched to that response by a tag in `response.metadata` (as `generate()`'s
 * requests are), not to "the next response.created": a response server VAD starts in between
 * must not run the create's tools nor hand its settings to its follow-up, and the create's own
 * response must keep them. Fake server, simulated clock; nothing sleeps.
 */
import { speechThenSilence } from '@voxwire/testing';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { REQUEST_TAG_KEY } from '../src/index.js';
import { defineTool } from '../src/tools/tool.js';
import type { CalledFunction } from '../src/tools/types.js';
import { DIALECTS, openSession, setup, type Setup } from './helpers.js';

const weather = defineTool({
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: v.object({ city: v.string() }),
  execute: ({ city }) => ({ city, tempC: 21 }),
});

function lookupOrderTool(runs: string[]) {
  return defineTool({
    name: 'lookup_order',
    description: 'An order by id',
    parameters: v.object({ id: v.string() }),
    execute: ({ id }) => (runs.push(id), { id, ships: 'tomorrow' }),
  });
}

const creates = (s: Setup) =>
  s.server.clientEvents
    .filter((e) => e['type'] === 'response.create')
    .map((e) => (e['response'] ?? {}) as Record<string, unknown>);

describe.each(DIALECTS)(
  'a create() with its own tools, and a server VAD response (%s)',
  (dialect) => {
    it('runs the tools in the response the create started, not in the VAD response that came first', async () => {
      const runs: string[] = [];
      const s = setup(dialect, { tools: [weather] });
      // the VAD response calls the per-response function too (the model saw it in no request:
      // a session tool does not answer it either, so it is unknown_tool)
      s.server.queueResponse((ctx) =>
        ctx.callFunction('lookup_order', { id: 'vad' }, { callId: 'call_vad' }),
      );
      s.server.queueResponse((ctx) =>
        ctx.callFunction('lookup_order', { id: '42' }, { callId: 'call_42' }),
      );
      s.server.queueResponse((ctx) => ctx.text('follow-up one'));
      s.server.queueResponse((ctx) => ctx.text('follow-up two'));
      const session = await openSession(s, { modalities: ['text'] });
      const finished: CalledFunction[] = [];
      session.on('function_calls_finished', (calls) => finished.push(...calls));
      session.on('error', () => undefined);

      // the user's turn ends: the server's VAD starts a response, whose events are held on the way
      // (the network is slow), so the engine knows of no response in progress
      s.server.faults.stallAt('response.created');
      for (const frame of speechThenSilence(400, 800)) session.inputAudioBuffer.append(frame);
      await s.settle();
      // the create goes out at once; the server has finished the VAD response and starts its own
      const sent = session.response.create({
        response: { tools: [lookupOrderTool(runs)], instructions: 'Answer in French.' },
      });
      await s.settle();
      expect(await sent).toBe(true);
      s.server.faults.release();
      await s.settle();
      await s.settle();

      const [vad, own] = session.responses;
      expect(vad?.resource.metadata?.[REQUEST_TAG_KEY]).toBeUndefined();
      // the create's own response ran the tool; the VAD response's call was not the create's
      expect(runs).toEqual(['42']);
      const byResponse = new Map(finished.map((f) => [f.call.responseId, f.error?.kind]));
      expect(byResponse.get(own?.id)).toBeUndefined();
      expect(byResponse.has(own?.id)).toBe(true);
      expect(byResponse.get(vad?.id)).toBe('unknown_tool');

      // each follow-up is shaped as the response it answers: the VAD one bare, the create's with
      // its instructions and tools
      const followUps = creates(s).slice(1);
      expect(followUps).toHaveLength(2);
      const shaped = followUps.filter((f) => f['instructions'] === 'Answer in French.');
      expect(shaped).toHaveLength(1);
      expect(shaped[0]?.['tools']).toEqual([expect.objectContaining({ name: 'lookup_order' })]);
      const bare = followUps.find((f) => f !== shaped[0]);
      expect(bare).not.toHaveProperty('instructions');
      expect(bare).not.toHaveProperty('tools');
      await session.close();
    });

    it('keeps the app’s metadata beside the tag; a create without own tools or settings gets its tag alone', async () => {
      const s = setup(dialect, { tools: [weather] });
      s.server.queueResponse((ctx) => ctx.text('one'));
      s.server.queueResponse((ctx) => ctx.text('two'));
      const session = await openSession(s, { modalities: ['text'] });
      await Promise.all([session.response.create(), s.settle()]);
      await s.settle();
      await Promise.all([
        session.response.create({
          response: { instructions: 'Be brief.', metadata: { turn: '2' } },
        }),
        s.settle(),
      ]);
      await s.settle();
      const [bare, own] = creates(s);
      // every create is tagged (so a barge-in can tell its response from the VAD's)
      expect(bare).toEqual({ metadata: { [REQUEST_TAG_KEY]: expect.any(String) } });
      const tag = (own?.['metadata'] as Record<string, string> | undefined)?.[REQUEST_TAG_KEY];
      expect(tag).toEqual(expect.any(String));
      expect(own?.['metadata']).toEqual({ turn: '2', [REQUEST_TAG_KEY]: tag });
      expect(session.responses[1]?.resource.metadata).toEqual({
        turn: '2',
        [REQUEST_TAG_KEY]: tag,
      });
      await session.close();
    });

    it('never pushes out an app’s 16th metadata pair: such a create goes untagged, with a warning', async () => {
      const runs: string[] = [];
      const s = setup(dialect, { tools: [weather] });
      s.server.queueResponse((ctx) =>
        ctx.callFunction('lookup_order', { id: '42' }, { callId: 'call_42' }),
      );
      s.server.queueResponse((ctx) => ctx.text('done'));
      const session = await openSession(s, { modalities: ['text'] });
      const metadata = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, `v${i}`]));
      await Promise.all([
        session.response.create({ response: { tools: [lookupOrderTool(runs)], metadata } }),
        s.settle(),
      ]);
      await s.settle();
      expect(creates(s)[0]?.['metadata']).toEqual(metadata);
      expect(s.logs.some((l) => l.level === 'warn' && /no room for the tag/.test(l.message))).toBe(
        true,
      );
      // matched to the next response.created, as before: with no VAD response between, its own
      expect(runs).toEqual(['42']);
      await session.close();
    });

    it('a tagged create the drop left unanswered is sent again with its tag, and its response runs the tools', async () => {
      const runs: string[] = [];
      const s = setup(dialect, { random: () => 0, tools: [weather], stallTimeoutMs: false });
      // the response the first connection started, never seen by the engine
      s.server.queueResponse((ctx) => ctx.text('lost'));
      s.server.queueResponse((ctx) =>
        ctx.callFunction('lookup_order', { id: '42' }, { callId: 'call_42' }),
      );
      s.server.queueResponse((ctx) => ctx.text('done'));
      const session = await openSession(s, { modalities: ['text'] });
      session.on('error', () => undefined);
      // the connection drops before the first response.created reaches the engine
      s.server.faults.closeAt('response.created', { code: 1006 });
      session.once('disconnected', () => s.server.faults.clear());
      await Promise.all([
        session.response.create({ response: { tools: [lookupOrderTool(runs)] } }),
        s.settle(),
      ]);
      await s.clock.advanceAsync(1_000);
      await s.settle();
      expect(s.server.connections).toHaveLength(2);
      const tagOf = (e: Record<string, unknown> | undefined) =>
        ((e?.['metadata'] ?? {}) as Record<string, string>)[REQUEST_TAG_KEY];
      const [first] = creates(s);
      const again = (s.server.connections[1]?.clientEvents ?? []).filter(
        (e) => e['type'] === 'response.create',
      );
      expect(tagOf(first)).toEqual(expect.any(String));
      expect(tagOf(again[0]?.['response'] as Record<string, unknown>)).toBe(tagOf(first));
      expect(runs).toEqual(['42']);
      await session.close();
    });

    it('refuses an app’s own voxwire_request key with INVALID_ARGUMENT instead of silently sending nothing', async () => {
      const s = setup(dialect);
      const session = await openSession(s, { modalities: ['text'] });
      await expect(
        session.response.create({ response: { metadata: { [REQUEST_TAG_KEY]: 'mine' } } }),
      ).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        data: { argument: 'response.metadata' },
      });
      await s.settle();
      expect(creates(s)).toEqual([]);
      await session.close();
    });
  },
);
