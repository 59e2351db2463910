/**
 * Beta `modalities` (audit F10): Azure's preview path refuses audio-only modalities (protocol.md
 * §5.2), and no sent list is rewritten in the echo (the GA model maps `['audio']` and
 * `['text','audio']` alike).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeWsServer, type FakeWsServer } from '../src/ws/index.js';
import { connect } from './helpers.js';
import { handshake } from './ws-helpers.js';

describe("Azure's preview path (beta)", () => {
  let running: FakeWsServer | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  async function preview() {
    running = await startFakeWsServer({ pingIntervalMs: false });
    const url = running.url.replace(/\/v1$/, '');
    const r = await handshake(
      `${url}/openai/realtime?api-version=2025-04-01-preview&deployment=dep`,
      {
        headers: { 'api-key': 'k' },
      },
    );
    const ws = r.ws!;
    const answer = async (frame: Record<string, unknown>) => {
      const seen = r.frames.length;
      ws.send(JSON.stringify(frame));
      while (
        r.frames
          .slice(seen)
          .every(
            (f) =>
              f.type !== 'error' && f.type !== 'session.updated' && f.type !== 'response.created',
          )
      )
        await new Promise<void>((resolve) => ws.once('message', () => resolve()));
      return r.frames
        .slice(seen)
        .find((f) => ['error', 'session.updated', 'response.created'].includes(f.type));
    };
    return { ws, answer };
  }

  it('refuses audio-only modalities in session.update and response.create; the session keeps its own', async () => {
    const { ws, answer } = await preview();
    const before = structuredClone(running!.server.sessionConfig);
    const refused = await answer({
      type: 'session.update',
      event_id: 'u1',
      session: { modalities: ['audio'] },
    });
    expect(refused.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'invalid_value',
      param: 'session.modalities',
      event_id: 'u1',
    });
    expect(running!.server.sessionConfig).toEqual(before);
    const response = await answer({
      type: 'response.create',
      event_id: 'r1',
      response: { modalities: ['audio'] },
    });
    expect(response.error).toMatchObject({
      code: 'invalid_value',
      param: 'response.modalities',
      event_id: 'r1',
    });
    const ok = await answer({ type: 'session.update', session: { modalities: ['text'] } });
    expect(ok.session.modalities).toEqual(['text']);
    ws.close();
  });
});

describe('a beta echo of modalities', () => {
  it.each([[['audio', 'text']], [['text', 'audio']], [['audio']], [['text']]])(
    'session.updated and the response echo %j as sent (OpenAI beta)',
    async (sent) => {
      const c = await connect({ dialect: 'beta' });
      c.sendRaw(JSON.stringify({ type: 'session.update', session: { modalities: sent } }));
      await c.flush();
      const raw = c.frames.map((f) => JSON.parse(String(f)));
      expect(raw.find((f) => f.type === 'session.updated').session.modalities).toEqual(sent);
      c.sendRaw(JSON.stringify({ type: 'response.create' }));
      await c.flush();
      const after = c.frames.map((f) => JSON.parse(String(f)));
      expect(after.find((f) => f.type === 'response.created').response.modalities).toEqual(sent);
      expect(after.find((f) => f.type === 'response.done').response.modalities).toEqual(sent);
    },
  );

  it("a response.create's own modalities are echoed as sent", async () => {
    const c = await connect({ dialect: 'beta' });
    c.sendRaw(
      JSON.stringify({ type: 'response.create', response: { modalities: ['audio', 'text'] } }),
    );
    await c.flush();
    const raw = c.frames.map((f) => JSON.parse(String(f)));
    expect(raw.find((f) => f.type === 'response.created').response.modalities).toEqual([
      'audio',
      'text',
    ]);
  });
});
