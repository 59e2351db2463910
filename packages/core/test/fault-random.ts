/**
 * The random part of the fault suite: sequences of random client calls and random server faults
 * (fast-check), and the runner that applies one to a session and lets it settle. Shared by the
 * ordinary session's property (`fault-suite-long.test.ts`) and the side-band's
 * (`fault-suite-side-band-random.test.ts`).
 */
import fc from 'fast-check';
import type { RealtimeSession } from '../src/session.js';
import { watch } from './fault-helpers.js';
import type { Setup } from './helpers.js';

/** One random step: a client call, or a server fault. */
export type RandomOp =
  | { kind: 'item' }
  | { kind: 'response' }
  | { kind: 'delete' }
  | { kind: 'cancel' }
  | { kind: 'audio' }
  | { kind: 'drop'; after: number }
  | { kind: 'dup' }
  | { kind: 'garbage' };

/** 1 to 12 random steps. */
export const randomOps: fc.Arbitrary<RandomOp[]> = fc.array(
  fc.oneof(
    fc.constant({ kind: 'item' as const }),
    fc.constant({ kind: 'response' as const }),
    fc.constant({ kind: 'delete' as const }),
    fc.constant({ kind: 'cancel' as const }),
    fc.constant({ kind: 'audio' as const }),
    fc.integer({ min: 0, max: 12 }).map((after) => ({ kind: 'drop' as const, after })),
    fc.constant({ kind: 'dup' as const }),
    fc.constant({ kind: 'garbage' as const }),
  ),
  { minLength: 1, maxLength: 12 },
);

const frame = (ms: number) => ({
  data: new Int16Array((24000 * ms) / 1000).fill(800),
  sampleRate: 24000,
  channels: 1,
});

/**
 * Applies `ops` to `session` one by one (each followed by a settle), then clears the faults and
 * lets a minute pass. Returns what the run handed out: the promises, and the text streams'
 * ends.
 */
export async function runRandomOps(
  s: Setup,
  session: RealtimeSession,
  ops: readonly RandomOp[],
): Promise<{ promises: { settled: boolean }[]; streams: { done: boolean }[] }> {
  session.on('error', () => undefined);
  const promises: { settled: boolean }[] = [];
  const streams: { done: boolean }[] = [];
  session.on('response_content_added', (c) => {
    const f = { done: false };
    streams.push(f);
    void (async () => {
      for await (const _ of c.textStream) void _;
      f.done = true;
    })();
  });
  for (const o of ops) {
    if (o.kind === 'item')
      promises.push(watch(session.conversation.item.create({ role: 'user', content: 'hi' })));
    else if (o.kind === 'response') promises.push(watch(session.response.create()));
    else if (o.kind === 'delete') {
      const id = session.chatCtxCopy().items[0]?.id;
      if (id) promises.push(watch(session.conversation.item.delete({ itemId: id })));
    } else if (o.kind === 'cancel') session.response.cancel();
    else if (o.kind === 'audio') session.inputAudioBuffer.append(frame(100));
    else if (o.kind === 'drop') {
      // optional, as the dup below: a random cut lands only if enough events follow it (and a
      // later cut or the final clear() may come first)
      s.server.faults.closeAfterEvents(o.after, { code: 1006, optional: true });
      session.once('disconnected', () => s.server.faults.clear());
    } else if (o.kind === 'dup') {
      // the next response.done: occurrences count from the open connection's start
      const open = s.server.current?.open === true && !s.server.current.outbound.closing;
      const sent = open ? (s.server.current?.outbound.counted('response.done') ?? 0) : 0;
      // optional: a response.done follows only if a later random op asks for a response
      s.server.faults.duplicate('response.done', { occurrence: sent + 1, optional: true });
    } else s.server.faults.sendMalformed();
    await s.settle();
  }
  s.server.faults.clear();
  await s.clock.advanceAsync(60_000);
  return { promises, streams };
}
