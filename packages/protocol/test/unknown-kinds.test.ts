import { describe, expect, it } from 'vitest';
import { betaCodec, gaCodec } from '../src/index.js';

// An item kind the API could add later (the Responses API already has one by this name).
const reasoning = {
  id: 'rs_1',
  object: 'realtime.item',
  type: 'reasoning',
  status: 'completed',
  summary: [{ type: 'summary_text', text: 'thought about it' }],
};
const message = {
  id: 'msg_1',
  object: 'realtime.item',
  type: 'message',
  status: 'completed',
  role: 'assistant',
  content: [{ type: 'output_audio', transcript: 'hi' }],
};
const response = (output: unknown[]) => ({
  id: 'resp_1',
  object: 'realtime.response',
  status: 'completed',
  output,
});
const decode = (event: Record<string, unknown>) => gaCodec.decodeServerEvent(JSON.stringify(event));

describe('items and content parts of kinds added to the API later (GA)', () => {
  it('are passed through as sent, named in unknownKinds; the rest of the event is validated', () => {
    const cases = [
      [
        {
          type: 'response.output_item.added',
          event_id: 'e1',
          response_id: 'resp_1',
          output_index: 0,
          item: reasoning,
        },
        [{ path: 'item', type: 'reasoning' }],
      ],
      [
        { type: 'conversation.item.done', event_id: 'e2', previous_item_id: null, item: reasoning },
        [{ path: 'item', type: 'reasoning' }],
      ],
      [
        { type: 'response.done', event_id: 'e3', response: response([reasoning, message]) },
        [{ path: 'response.output.0', type: 'reasoning' }],
      ],
      [
        {
          type: 'response.content_part.added',
          event_id: 'e4',
          response_id: 'resp_1',
          item_id: 'msg_1',
          output_index: 0,
          content_index: 1,
          part: { type: 'output_image', image_url: 'data:image/png;base64,AA==' },
        },
        [{ path: 'part', type: 'output_image' }],
      ],
      [
        {
          type: 'conversation.item.added',
          event_id: 'e5',
          previous_item_id: null,
          item: {
            ...message,
            content: [{ type: 'output_audio', transcript: 'a' }, { type: 'output_video' }],
          },
        },
        [{ path: 'item.content.1', type: 'output_video' }],
      ],
    ] as const;
    for (const [event, kinds] of cases) {
      const result = decode(event);
      expect(result.kind, event.type).toBe('event');
      if (result.kind !== 'event') continue;
      expect(result.unknownKinds).toEqual(kinds);
      // passed through exactly as sent: unknown fields and all
      expect(result.event).toEqual(event);
    }
  });

  it('a known event with only known kinds carries no unknownKinds', () => {
    const result = decode({
      type: 'response.done',
      event_id: 'e6',
      response: response([message]),
    });
    expect(result.kind).toBe('event');
    expect(result.kind === 'event' && result.unknownKinds).toBeUndefined();
  });

  it('anything else wrong still makes the frame a violation', () => {
    const refused = [
      // a known kind with a field of the wrong type
      {
        type: 'response.output_item.added',
        event_id: 'e7',
        response_id: 'resp_1',
        output_index: 0,
        item: { ...message, role: 7 },
      },
      // an unknown kind next to a real fault elsewhere in the event
      {
        type: 'response.output_item.added',
        event_id: 'e8',
        response_id: 'resp_1',
        output_index: 'zero',
        item: reasoning,
      },
      // an unknown setting value that is not a name
      {
        type: 'session.updated',
        event_id: 'e9',
        session: {
          type: 'realtime',
          audio: { input: { turn_detection: { type: 'Psychic VAD!' } } },
        },
      },
      // a `type` that is not a kind name at all
      {
        type: 'conversation.item.added',
        event_id: 'e10',
        previous_item_id: null,
        item: { ...reasoning, type: 'Reasoning Item!' },
      },
      {
        type: 'conversation.item.added',
        event_id: 'e11',
        previous_item_id: null,
        item: { id: 'x', type: 7 },
      },
    ];
    for (const event of refused) {
      const result = decode(event);
      expect(result.kind, JSON.stringify(event).slice(0, 80)).toBe('violation');
    }
  });

  it('the beta dialect still refuses them: its mapper could not translate a kind it does not know', () => {
    const result = betaCodec.decodeServerEvent(
      JSON.stringify({
        type: 'conversation.item.created',
        event_id: 'e12',
        previous_item_id: null,
        item: { ...reasoning, object: 'realtime.item' },
      }),
    );
    expect(result.kind).toBe('violation');
  });
});

describe('values of enumerated fields added to the API later (GA)', () => {
  it('are passed through as sent, named in unknownValues; the rest of the event is validated', () => {
    const cases = [
      [
        {
          type: 'session.updated',
          event_id: 'v1',
          session: {
            type: 'realtime',
            audio: { input: { turn_detection: { type: 'psychic_vad', foresight_ms: 200 } } },
          },
        },
        [{ path: 'session.audio.input.turn_detection.type', value: 'psychic_vad' }],
      ],
      [
        {
          type: 'response.done',
          event_id: 'v2',
          response: {
            ...response([message]),
            status: 'incomplete',
            status_details: { type: 'incomplete', reason: 'listener_left' },
          },
        },
        [{ path: 'response.status_details.reason', value: 'listener_left' }],
      ],
      [
        {
          type: 'conversation.item.added',
          event_id: 'v3',
          previous_item_id: null,
          item: { ...message, role: 'developer' },
        },
        [{ path: 'item.role', value: 'developer' }],
      ],
      // a union of a mode and an object form: the mode added later
      [
        {
          type: 'session.updated',
          event_id: 'v8',
          session: { type: 'realtime', tool_choice: 'sometimes' },
        },
        [{ path: 'session.tool_choice', value: 'sometimes' }],
      ],
      // a union of object forms told apart by `type`: a form added later
      [
        {
          type: 'session.updated',
          event_id: 'v9',
          session: {
            type: 'realtime',
            audio: { output: { format: { type: 'audio/opus', bitrate: 32000 }, voice: 'alloy' } },
          },
        },
        [{ path: 'session.audio.output.format.type', value: 'audio/opus' }],
      ],
      // a form added later that carries a field a known form also has (PCM's `rate`), with a
      // value that form does not take: still a new form, not a wrong PCM rate
      [
        {
          type: 'session.updated',
          event_id: 'v12',
          session: {
            type: 'realtime',
            audio: { output: { format: { type: 'audio/opus', rate: 48000 } } },
          },
        },
        [{ path: 'session.audio.output.format.type', value: 'audio/opus' }],
      ],
      // a tool kind added later (a session configured through its ephemeral key echoes it),
      // which lacks what the MCP form requires (`server_label`)
      [
        {
          type: 'session.created',
          event_id: 'v13',
          session: {
            type: 'realtime',
            tools: [
              { type: 'function', name: 'get_weather' },
              { type: 'web_search', search_context_size: 'low' },
            ],
          },
        },
        [{ path: 'session.tools.1.type', value: 'web_search' }],
      ],
      // a tool choice of a kind added later (forcing a hosted tool): an object, not a mode
      [
        {
          type: 'session.updated',
          event_id: 'v17',
          session: { type: 'realtime', tool_choice: { type: 'file_search' } },
        },
        [{ path: 'session.tool_choice.type', value: 'file_search' }],
      ],
      // one that carries a field a known form also has (the function form's `name`)
      [
        {
          type: 'session.updated',
          event_id: 'v18',
          session: { type: 'realtime', tool_choice: { type: 'custom', name: 7 } },
        },
        [{ path: 'session.tool_choice.type', value: 'custom' }],
      ],
      // a truncation strategy added later, next to the known retention-ratio object
      [
        {
          type: 'session.updated',
          event_id: 'v19',
          session: { type: 'realtime', truncation: { type: 'sliding_window', turns: 8 } },
        },
        [{ path: 'session.truncation.type', value: 'sliding_window' }],
      ],
    ] as const;
    for (const [event, values] of cases) {
      const result = decode(event);
      expect(result.kind, event.type).toBe('event');
      if (result.kind !== 'event') continue;
      expect(result.unknownValues).toEqual(values);
      expect(result.unknownKinds).toBeUndefined();
      expect(result.event).toEqual(event);
    }
  });

  it('kinds and values in one event are both named', () => {
    const result = decode({
      type: 'response.done',
      event_id: 'v4',
      response: {
        ...response([reasoning, { ...message, role: 'developer' }]),
        status: 'paused',
      },
    });
    expect(result.kind).toBe('event');
    if (result.kind !== 'event') return;
    expect(result.unknownKinds).toEqual([{ path: 'response.output.0', type: 'reasoning' }]);
    expect(result.unknownValues).toEqual(
      expect.arrayContaining([
        { path: 'response.status', value: 'paused' },
        { path: 'response.output.1.role', value: 'developer' },
      ]),
    );
  });

  it('next to a real fault, or when the value is not a name, the frame is still a violation', () => {
    const refused = [
      {
        type: 'response.done',
        event_id: 'v5',
        response: { ...response([message]), status: 'paused', output_index: 'x', usage: 'lots' },
      },
      {
        type: 'conversation.item.added',
        event_id: 'v6',
        previous_item_id: null,
        item: { ...message, role: 'Developer Role' },
      },
      // a known form with a wrong field is no new form
      {
        type: 'session.updated',
        event_id: 'v10',
        session: {
          type: 'realtime',
          audio: { output: { format: { type: 'audio/pcm', rate: 48000 } } },
        },
      },
      // a known tool form with a wrong field is no new tool kind
      {
        type: 'session.updated',
        event_id: 'v14',
        session: { type: 'realtime', tools: [{ type: 'function', name: 5 }] },
      },
      {
        type: 'session.updated',
        event_id: 'v15',
        session: { type: 'realtime', tools: [{ type: 'mcp', server_url: 'https://x' }] },
      },
      // nor is a `type` that is not a name
      {
        type: 'session.updated',
        event_id: 'v16',
        session: { type: 'realtime', tools: [{ type: 'Web Search' }] },
      },
      {
        type: 'session.updated',
        event_id: 'v11',
        session: { type: 'realtime', audio: { output: { format: { type: 3 } } } },
      },
      // a known tool-choice form with a field missing or wrong is no new form
      {
        type: 'session.updated',
        event_id: 'v20',
        session: { type: 'realtime', tool_choice: { type: 'function' } },
      },
      {
        type: 'session.updated',
        event_id: 'v21',
        session: { type: 'realtime', tool_choice: { type: 'mcp', name: 'x' } },
      },
      {
        type: 'session.updated',
        event_id: 'v22',
        session: { type: 'realtime', tool_choice: { type: 'Web Search' } },
      },
      { type: 'session.updated', event_id: 'v23', session: { type: 'realtime', tool_choice: {} } },
      {
        type: 'session.updated',
        event_id: 'v24',
        session: { type: 'realtime', truncation: { type: 'retention_ratio', retention_ratio: 2 } },
      },
    ];
    for (const event of refused) expect(decode(event).kind).toBe('violation');
  });

  it('client events stay strict: a tool choice or truncation of an unknown type is not sent', () => {
    const update = (session: Record<string, unknown>) => () =>
      gaCodec.encodeClientEvent({
        type: 'session.update',
        session: { type: 'realtime', ...session },
      } as never);
    expect(update({ tool_choice: { type: 'file_search' } })).toThrow(/session\.tool_choice/);
    expect(update({ truncation: { type: 'sliding_window' } })).toThrow(/session\.truncation/);
    expect(update({ tool_choice: { type: 'function', name: 'f' } })).not.toThrow();
    expect(update({ truncation: { type: 'retention_ratio', retention_ratio: 0.5 } })).not.toThrow();
  });

  it('the beta dialect still refuses them', () => {
    const result = betaCodec.decodeServerEvent(
      JSON.stringify({
        type: 'conversation.item.created',
        event_id: 'v7',
        previous_item_id: null,
        item: { ...message, type: 'message', role: 'developer', content: [] },
      }),
    );
    expect(result.kind).toBe('violation');
  });
});
