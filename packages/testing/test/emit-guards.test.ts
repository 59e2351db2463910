/**
 * `server.emit` as a test author uses it: an event that could never reach the client (no open
 * connection, a dialect with no form for it) throws at the call instead of vanishing, so the
 * test does not wait for it forever.
 */
import { describe, expect, it } from 'vitest';
import { createFakeServer } from '../src/index.js';
import { connect } from './helpers.js';

describe('sending from the server side', () => {
  it('emit throws when no connection is open, instead of sending into nothing', async () => {
    const { server, transport } = createFakeServer();
    expect(() => server.emit({ type: 'output_audio_buffer.started', response_id: 'r' })).toThrow(
      /server\.emit: no connection is open/,
    );
    // bad-frame faults are chaos injections, which may land between connections: a no-op there
    server.faults.sendMalformed();
    await transport.start();
    server.emit({ type: 'output_audio_buffer.started', response_id: 'r' });
    server.faults.sendUnknownEvent();
    await transport.close();
    expect(() => server.emit({ type: 'output_audio_buffer.started', response_id: 'r' })).toThrow(
      /connection 0 closed \(1000\)/,
    );
    server.faults.sendBinary();
    expect(server.connections[0]?.open).toBe(false);
  });
});

describe('emitting an event the dialect of the connection cannot carry', () => {
  it('throws NO_DIALECT_FORM instead of dropping it, so the test does not wait for it forever', async () => {
    const c = await connect({ dialect: 'beta' });
    const before = c.frames.length;
    // beta has no conversation.item.done, and no form for an MCP tool's item
    expect(() =>
      c.server.emit({
        type: 'conversation.item.done',
        item: { id: 'i1', type: 'message', role: 'user', content: [] },
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'NO_DIALECT_FORM',
        message: expect.stringMatching(/beta.*'conversation\.item\.done'/),
      }),
    );
    await c.flush();
    expect(c.frames.length).toBe(before);
    // an event beta has still goes out, renamed
    c.server.emit({
      type: 'response.output_text.delta',
      response_id: 'r',
      item_id: 'i',
      output_index: 0,
      content_index: 0,
      delta: 'x',
    });
    await c.flush();
    expect(String(c.frames.at(-1))).toContain('"type":"response.text.delta"');
  });
});

describe('emitting an audio format the beta dialect has no name for', () => {
  it('throws NO_DIALECT_FORM instead of sending a beta session.updated without its format', async () => {
    const c = await connect({ dialect: 'beta' });
    const before = c.frames.length;
    const session = (format: unknown) => ({
      type: 'session.updated',
      session: { ...c.server.sessionConfig, audio: { output: { format } } },
    });
    expect(() => c.server.emit(session({ type: 'audio/opus' }))).toThrow(
      expect.objectContaining({
        code: 'NO_DIALECT_FORM',
        message: expect.stringMatching(/beta.*no form for 'session\.updated'/),
      }),
    );
    await c.flush();
    expect(c.frames.length).toBe(before);
    // a format beta names still goes out, mapped
    c.server.emit(session({ type: 'audio/pcmu' }));
    await c.flush();
    expect(JSON.parse(String(c.frames.at(-1)))).toMatchObject({
      type: 'session.updated',
      session: { output_audio_format: 'g711_ulaw' },
    });
    // a GA client is sent it as given
    const ga = await connect();
    ga.server.emit({
      type: 'session.updated',
      session: { audio: { output: { format: { type: 'audio/opus' } } } },
    });
    await ga.flush();
    expect(String(ga.frames.at(-1))).toContain('"audio/opus"');
  });

  it("the fake's own session never holds one: session.update refuses it", async () => {
    const c = await connect({ dialect: 'beta' });
    c.send({ type: 'session.update', session: { output_audio_format: 'opus' } });
    const ga = await connect();
    ga.send({
      type: 'session.update',
      session: { type: 'realtime', audio: { output: { format: { type: 'audio/opus' } } } },
    });
    await c.flush();
    await ga.flush();
    for (const client of [c, ga]) {
      expect(client.types()).toContain('error');
      expect(client.server.sessionConfig?.['audio']).toMatchObject({
        output: { format: { type: 'audio/pcm' } },
      });
    }
  });
});
