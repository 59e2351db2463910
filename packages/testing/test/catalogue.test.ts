import { describe, expect, it } from 'vitest';
import { gaCodec, serverEventSchemas } from '@voxwire/protocol';
import { SimulatedClock } from '../src/index.js';
import { connect } from './helpers.js';

// every GA server event type, produced by behaviour where the fake has one, else by server.emit
describe('GA server event catalogue', () => {
  it('the fake produces all 46 GA server event types, each decoding as a known event', async () => {
    const catalogue = Object.keys(serverEventSchemas).sort();
    expect(catalogue).toHaveLength(46);
    const clock = new SimulatedClock();
    // the idle timeout's commit takes no scripted turn: its transcription fails through `transcribe`
    const c = await connect({ clock, transcribe: () => ({ fail: true }) });
    c.server.scriptTranscription('weather please');
    c.send({
      type: 'session.update',
      session: {
        type: 'realtime',
        tools: [{ type: 'function', name: 'get_weather' }],
        audio: {
          input: {
            transcription: { model: 'whisper-1' },
            turn_detection: { type: 'server_vad', idle_timeout_ms: 5000 },
          },
        },
      },
    });
    c.appendAudio(new Int16Array(24 * 300));
    const speech = new Int16Array(24 * 800);
    for (let i = 0; i < 24 * 400; i++) speech[i] = i % 48 < 24 ? 8000 : -8000;
    c.appendAudio(speech);
    await c.flush();
    c.send({
      type: 'response.create',
      response: { output_modalities: ['text'], conversation: 'none', input: [] },
    });
    c.send({
      type: 'conversation.item.create',
      item: {
        id: 'u',
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'x' }],
      },
    });
    c.send({ type: 'conversation.item.retrieve', item_id: 'u' });
    const assistant = () =>
      c.server.conversation.find((i) => i['role'] === 'assistant' && i['type'] === 'message');
    c.server.queueResponse((ctx) => ctx.say('hello'));
    await c.flush();
    c.send({ type: 'response.create' });
    await c.flush();
    c.send({
      type: 'conversation.item.truncate',
      item_id: String(assistant()!['id']),
      content_index: 0,
      audio_end_ms: 10,
    });
    c.send({ type: 'conversation.item.delete', item_id: 'u' });
    c.send({ type: 'input_audio_buffer.clear' });
    // WebRTC/SIP only: the WebSocket server refuses it (answered in the error check below)
    c.send({ type: 'output_audio_buffer.clear' });
    c.sendRaw(JSON.stringify({ type: 'nope' }));
    await c.flush();
    await clock.advanceAsync(5000);
    await c.flush();
    // WebRTC/SIP/MCP/diarization-only events: scripted with server.emit
    const r = 'resp_x';
    const emitted = [
      {
        type: 'conversation.created',
        conversation: { id: 'conv_x', object: 'realtime.conversation' },
      },
      {
        type: 'conversation.item.created',
        previous_item_id: null,
        item: {
          id: 'i1',
          type: 'message',
          role: 'user',
          content: [{ type: 'input_text', text: 'x' }],
        },
      },
      {
        type: 'conversation.item.input_audio_transcription.segment',
        item_id: 'i1',
        content_index: 0,
        text: 'hi',
        id: 'seg_1',
        speaker: 'A',
        start: 0,
        end: 0.5,
      },
      { type: 'input_audio_buffer.dtmf_event_received', event: '5', received_at: 1 },
      { type: 'mcp_list_tools.in_progress', item_id: 'mcp_1' },
      { type: 'mcp_list_tools.completed', item_id: 'mcp_1' },
      { type: 'mcp_list_tools.failed', item_id: 'mcp_1' },
      { type: 'output_audio_buffer.started', response_id: r },
      { type: 'output_audio_buffer.stopped', response_id: r },
      { type: 'output_audio_buffer.cleared', response_id: r },
      { type: 'response.mcp_call.in_progress', output_index: 0, item_id: 'mcp_2' },
      {
        type: 'response.mcp_call_arguments.delta',
        response_id: r,
        item_id: 'mcp_2',
        output_index: 0,
        delta: '{',
      },
      {
        type: 'response.mcp_call_arguments.done',
        response_id: r,
        item_id: 'mcp_2',
        output_index: 0,
        arguments: '{}',
      },
      { type: 'response.mcp_call.completed', output_index: 0, item_id: 'mcp_2' },
      { type: 'response.mcp_call.failed', output_index: 0, item_id: 'mcp_2' },
    ];
    for (const e of emitted) c.server.emit(e);
    await c.flush();
    const produced = new Set<string>();
    for (const frame of c.frames) {
      const d = gaCodec.decodeServerEvent(frame);
      expect(d.kind, `frame ${String(frame).slice(0, 120)}`).toBe('event');
      if (d.kind === 'event') produced.add(d.event.type);
    }
    const missing = catalogue.filter((t) => !produced.has(t));
    expect(missing).toEqual([]);
    const byBehaviour = catalogue.filter((t) => !emitted.some((e) => e.type === t));
    // output_audio_buffer.cleared is WebRTC/SIP only: scripted above, like the other such events
    expect(byBehaviour.length).toBe(31);
  });
});
