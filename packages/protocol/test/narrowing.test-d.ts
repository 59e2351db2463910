import { describe, expectTypeOf, it } from 'vitest';
import type {
  BetaServerEvent,
  BetaServerEventOf,
  ClientEvent,
  ClientEventOf,
  ConversationItem,
  DecodeResult,
  ProtocolViolation,
  ResponseResource,
  ServerErrorDetails,
  ServerEvent,
  ServerEventOf,
  SessionUpdateParams,
  ToolChoice,
  TurnDetection,
} from '../src/index.js';

describe('narrowing by event type', () => {
  it('narrows server events on `type`', () => {
    const handle = (e: ServerEvent) => {
      if (e.type === 'response.output_audio.delta') {
        expectTypeOf(e).toEqualTypeOf<ServerEventOf<'response.output_audio.delta'>>();
        expectTypeOf(e.delta).toEqualTypeOf<string>();
        expectTypeOf(e.content_index).toEqualTypeOf<number>();
        expectTypeOf(e.obfuscation).toEqualTypeOf<string | null | undefined>();
      } else if (e.type === 'response.done') {
        expectTypeOf(e.response).toEqualTypeOf<ResponseResource>();
      } else if (e.type === 'error') {
        expectTypeOf(e.error).toEqualTypeOf<ServerErrorDetails>();
        expectTypeOf(e.error.code).toEqualTypeOf<string | null | undefined>();
      } else if (e.type === 'input_audio_buffer.dtmf_event_received') {
        expectTypeOf(e.event_id).toEqualTypeOf<string | undefined>();
      } else {
        expectTypeOf(e.type).not.toEqualTypeOf<'response.output_audio.delta'>();
      }
    };
    expectTypeOf(handle).toBeFunction();
  });

  it('narrows client events, and session.update needs a session type', () => {
    expectTypeOf<ClientEventOf<'session.update'>['session']>().toEqualTypeOf<SessionUpdateParams>();
    expectTypeOf<SessionUpdateParams['type']>().toEqualTypeOf<'realtime' | 'transcription'>();
    expectTypeOf<Extract<SessionUpdateParams, { type: 'realtime' }>['temperature']>().toEqualTypeOf<
      number | undefined
    >();
    expectTypeOf<ClientEventOf<'response.create'>['response']>()
      .exclude<undefined>()
      .toHaveProperty('temperature');
    // @ts-expect-error a GA session.update without `type` is not a ClientEvent
    const bad: ClientEvent = { type: 'session.update', session: { instructions: 'x' } };
    expectTypeOf(bad).toEqualTypeOf<ClientEvent>();
    // @ts-expect-error misspelled fields are compile errors
    const typo: ClientEvent = { type: 'conversation.item.delete', itemId: 'x' };
    expectTypeOf(typo).toEqualTypeOf<ClientEvent>();
  });

  it('narrows conversation items by type and role', () => {
    const read = (item: ConversationItem) => {
      if (item.type === 'message' && item.role === 'assistant') {
        expectTypeOf(item.content[0]!.type).toEqualTypeOf<
          'output_text' | 'output_audio' | 'text' | 'audio' | undefined
        >();
      } else if (item.type === 'function_call') {
        expectTypeOf(item.name).toEqualTypeOf<string>();
        expectTypeOf(item.arguments).toEqualTypeOf<string>();
      } else if (item.type === 'mcp_call') {
        expectTypeOf(item.server_label).toEqualTypeOf<string>();
      }
    };
    expectTypeOf(read).toBeFunction();
  });

  it('narrows decode results and nested unions', () => {
    const r = {} as DecodeResult<ServerEvent>;
    if (r.kind === 'event') expectTypeOf(r.event).toEqualTypeOf<ServerEvent>();
    if (r.kind === 'unknown') expectTypeOf(r.raw).toEqualTypeOf<Record<string, unknown>>();
    if (r.kind === 'violation') expectTypeOf(r.violation).toEqualTypeOf<ProtocolViolation>();
    expectTypeOf<Extract<TurnDetection, { type: 'semantic_vad' }>['eagerness']>().toEqualTypeOf<
      'low' | 'medium' | 'high' | 'auto' | undefined
    >();
    expectTypeOf<'auto'>().toExtend<ToolChoice>();
    expectTypeOf<{ type: 'function'; name: string }>().toExtend<ToolChoice>();
  });

  it('narrows beta events by their beta names', () => {
    expectTypeOf<BetaServerEventOf<'response.audio.delta'>['delta']>().toEqualTypeOf<string>();
    expectTypeOf<'response.output_audio.delta'>().not.toExtend<BetaServerEvent['type']>();
  });
});
