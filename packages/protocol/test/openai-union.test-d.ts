import type { RealtimeClientEvent, RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import { describe, expectTypeOf, it } from 'vitest';
import type { ClientEventType, ServerEventType } from '../src/index.js';

describe('our GA event types equal the openai package unions (type level, both ways)', () => {
  it('server', () => {
    expectTypeOf<ServerEventType>().toEqualTypeOf<RealtimeServerEvent['type']>();
    expectTypeOf<Exclude<ServerEventType, RealtimeServerEvent['type']>>().toBeNever();
    expectTypeOf<Exclude<RealtimeServerEvent['type'], ServerEventType>>().toBeNever();
  });
  it('client', () => {
    expectTypeOf<ClientEventType>().toEqualTypeOf<RealtimeClientEvent['type']>();
    expectTypeOf<Exclude<ClientEventType, RealtimeClientEvent['type']>>().toBeNever();
    expectTypeOf<Exclude<RealtimeClientEvent['type'], ClientEventType>>().toBeNever();
  });
});
