import { describe, expect, it } from 'vitest';
import type { ServerEvent, SessionUpdateParams } from '@voxwire/protocol';
import type { SessionFeature } from '../src/feature.js';
import type { TappedServerEvent } from '../src/events.js';
import type { SessionError } from '../src/errors.js';
import { DIALECTS, openSession, setup } from './helpers.js';

describe.each(DIALECTS)('features and the tap (%s)', (dialect) => {
  it('a feature sees every server event and the lifecycle, and adds to session.update', async () => {
    const seen: string[] = [];
    const lifecycle: string[] = [];
    const feature: SessionFeature = {
      name: 'probe',
      onServerEvent: (e: ServerEvent) => seen.push(e.type),
      onConnected: () => lifecycle.push('connected'),
      onDisconnected: (error) => lifecycle.push(`disconnected:${error?.code ?? 'asked'}`),
      onClosed: () => lifecycle.push('closed'),
      contributeSessionUpdate: (session: SessionUpdateParams) => ({
        ...session,
        tools: [
          {
            type: 'function',
            name: 'get_time',
            description: 'time',
            parameters: { type: 'object', properties: {} },
          },
        ],
      }),
    };
    const s = setup(dialect, { features: [() => feature] });
    const session = await openSession(s);
    expect(seen).toContain('session.created');
    expect(seen).toContain('session.updated');
    const sent = s.server.clientEvents[0]?.['session'] as { tools?: { name: string }[] };
    expect(sent.tools?.[0]?.name).toBe('get_time');
    await session.close();
    expect(lifecycle).toEqual(['connected', 'disconnected:asked', 'closed']);
  });

  it('a feature that skips content deltas gets every other event; one that does not gets them all', async () => {
    const all: string[] = [];
    const lean: string[] = [];
    const s = setup(dialect, {
      features: [
        () => ({ name: 'all', onServerEvent: (e: ServerEvent) => all.push(e.type) }),
        () => ({
          name: 'lean',
          skipsContentDeltas: true,
          onServerEvent: (e: ServerEvent) => lean.push(e.type),
        }),
      ],
    });
    const session = await openSession(s);
    s.server.queueResponse((ctx) => ctx.say('Deltas for some, not for others.'));
    void session.response.create();
    await s.settle();
    const deltas = ['response.output_audio.delta', 'response.output_audio_transcript.delta'];
    for (const type of deltas) expect(all).toContain(type);
    expect(lean.some((t) => deltas.includes(t) || t === 'response.output_text.delta')).toBe(false);
    expect(lean).toEqual(all.filter((t) => !deltas.includes(t)));
    expect(lean).toContain('response.done');
    await session.close();
  });

  it('a feature that throws is reported on error and does not stop the engine', async () => {
    const s = setup(dialect, {
      features: [
        () => ({
          name: 'broken',
          onServerEvent: () => {
            throw new Error('feature bug');
          },
        }),
      ],
    });
    const session = s.model.session();
    const errors: SessionError[] = [];
    session.on('error', (e) => errors.push(e));
    await s.settle();
    expect(errors[0]).toMatchObject({ code: 'LISTENER_FAILED', data: { feature: 'broken' } });
    expect(session.connectionState.status).toBe('open');
    await session.close();
  });

  it('the tap sees every decoded event before the engine handles it', async () => {
    const s = setup(dialect);
    const session = s.model.session();
    const taps: TappedServerEvent[] = [];
    session.on('server_event', (e) => taps.push(e));
    await s.settle();
    expect(taps.map((t) => (t.kind === 'event' ? t.event.type : t.type))).toEqual(
      dialect === 'ga'
        ? ['session.created', 'session.updated']
        : expect.arrayContaining(['session.created', 'session.updated']),
    );
    await session.close();
  });
});
