import fc from 'fast-check';
import { base64DecodedLength, type ClientEvent } from '@voxwire/protocol';
import { describe, expect, it } from 'vitest';
import { AppendRing } from '../src/reconnect/append-ring.js';
import { UncommittedAudio } from '../src/reconnect/uncommitted-audio.js';
import { TrustedAppend, appendEvent } from '../src/session-api.js';

// the ledger keeps the appends' text, not the events: a replay is built from what was written
const manual = { inputAudioFormat: 'pcm16', turnDetection: null } as const;
type Append = ClientEvent & { readonly audio: string };
const plain = (audio: string, eventId?: string): Append =>
  (eventId === undefined
    ? { type: 'input_audio_buffer.append', audio }
    : { type: 'input_audio_buffer.append', event_id: eventId, audio }) as Append;
const frame = (level: number, rate = 24000) => ({
  data: new Int16Array(rate / 50).fill(level),
  sampleRate: rate,
  channels: 1,
});

describe('the replay writes what was written', () => {
  it('not what the event object holds later (an app may reuse its append objects)', () => {
    const ledger = new UncommittedAudio(10_000);
    const event = { type: 'input_audio_buffer.append', event_id: 'app_1', audio: 'AAAA' };
    ledger.wrote(event as Append, manual);
    event.audio = 'BBBB';
    event.event_id = 'app_2';
    const { events } = ledger.takeReplay(manual, 'pcm16');
    expect(events).toEqual([
      { type: 'input_audio_buffer.append', event_id: 'app_1', audio: 'AAAA' },
    ]);
  });

  it("the engine's appends come back as TrustedAppend with their event_id, audio and format", () => {
    const ledger = new UncommittedAudio(10_000);
    const written = [
      appendEvent(frame(100), 'pcm16', 'event_a'),
      appendEvent(frame(200, 8000), 'g711_ulaw', 'event_b'),
      appendEvent(frame(300), 'pcm16', 'event_c'),
    ];
    for (const e of written) ledger.wrote(e, manual, e.format);
    // the run in the replay's format: the newest PCM16 append; the G.711 one before it and the
    // PCM16 one before that are skipped
    const replay = ledger.takeReplay(manual, 'pcm16');
    expect(replay.skippedMs).toBe(40);
    expect(replay.events).toHaveLength(1);
    const [again] = replay.events;
    expect(again).toBeInstanceOf(TrustedAppend);
    expect((again as TrustedAppend).format).toBe('pcm16');
    // the same frame on the wire: keys, order and values
    expect(JSON.stringify(again)).toBe(JSON.stringify(written[2]));

    const ulaw = new UncommittedAudio(10_000);
    ulaw.wrote(written[1]!, manual, 'g711_ulaw');
    const [g711] = ulaw.takeReplay(manual, 'g711_ulaw').events;
    expect((g711 as TrustedAppend).format).toBe('g711_ulaw');
    expect(JSON.stringify(g711)).toBe(JSON.stringify(written[1]));
  });

  it("an app's append comes back as a plain event, with its event_id or without one", () => {
    const ledger = new UncommittedAudio(10_000);
    ledger.wrote(plain('AAAA', 'app_1'), manual);
    ledger.wrote(plain('BBBB'), manual);
    ledger.wrote(plain('CCCC', ''), manual);
    const { events } = ledger.takeReplay(manual, 'pcm16');
    expect(events.map((e) => e instanceof TrustedAppend)).toEqual([false, false, false]);
    expect(events.map((e) => JSON.stringify(e))).toEqual([
      '{"type":"input_audio_buffer.append","event_id":"app_1","audio":"AAAA"}',
      '{"type":"input_audio_buffer.append","audio":"BBBB"}',
      '{"type":"input_audio_buffer.append","event_id":"","audio":"CCCC"}',
    ]);
    expect(Object.keys(events[1]!)).toEqual(['type', 'audio']);
  });

  it('text that is not base64 comes back exactly, a lone surrogate included', () => {
    const ledger = new UncommittedAudio(10_000);
    const odd = ['AAAA', 'é€😀\uD800x', 'plain', ''];
    ledger.wrote(plain(odd[0]!, 'évent'), manual);
    ledger.wrote(plain(odd[1]!, 'id_2'), manual);
    ledger.wrote(plain(odd[2]!, '\uDC00'), manual);
    ledger.wrote(plain(odd[3]!), manual);
    const { events } = ledger.takeReplay(manual, 'pcm16');
    expect(events.map((e) => (e as Append).audio)).toEqual(odd);
    expect(events.map((e) => e.event_id)).toEqual(['évent', 'id_2', '\uDC00', undefined]);
  });
});

describe('the replay across storage boundaries', () => {
  // audio `i` of `quads` × 4 base64 characters, told apart by its first four
  const audioOf = (i: number, quads: number) =>
    i.toString(36).padStart(4, '0').slice(-4) + 'A'.repeat(quads * 4 - 4);
  const msOf = (audio: string) => ((base64DecodedLength(audio) >> 1) * 1000) / 24000;

  it('appends of any size, commits and the maxMs bound: the replay is the model suffix', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20_000 }),
        fc.array(
          fc.oneof(
            { weight: 20, arbitrary: fc.integer({ min: 1, max: 700 }) },
            // larger than a storage chunk (16 KiB)
            { weight: 1, arbitrary: fc.integer({ min: 4_000, max: 12_000 }) },
            { weight: 1, arbitrary: fc.constant('commit' as const) },
            { weight: 1, arbitrary: fc.constant('replay' as const) },
          ),
          { maxLength: 1_200, size: 'max' },
        ),
        (maxMs, ops) => {
          const ledger = new UncommittedAudio(maxMs);
          // the model: every append of this connection, the commit point, the newest offset
          let written: { audio: string; id: string; start: number; end: number }[] = [];
          let writtenMs = 0;
          let committedMs = 0;
          // where the last committed turn began: its audio is kept too, until its answer starts
          // (none does here), for a drop that takes its item (push-to-talk)
          let turnFromMs: number | undefined;
          const check = () => {
            const from = Math.max(committedMs, writtenMs - maxMs);
            const kept = written.filter((w) => w.end > from);
            const retained = written.filter(
              (w) => w.end > Math.max(Math.min(from, turnFromMs ?? from), writtenMs - maxMs),
            );
            expect(ledger.keptMs).toBe(retained.length === 0 ? 0 : writtenMs - retained[0]!.start);
            const replay = ledger.takeReplay(manual, 'pcm16');
            expect(replay.events.map((e) => [e.event_id, (e as Append).audio])).toEqual(
              kept.map((w) => [w.id, w.audio]),
            );
            expect(replay.skippedMs).toBe(0);
            written = [];
            writtenMs = committedMs = 0;
            turnFromMs = undefined;
          };
          ops.forEach((op, i) => {
            if (op === 'replay') return check();
            if (op === 'commit') {
              ledger.wroteBoundary(`commit_${i}`);
              ledger.committed(`item_${i}`);
              turnFromMs = committedMs;
              committedMs = writtenMs;
              return;
            }
            const audio = audioOf(i, op);
            const start = writtenMs;
            writtenMs += msOf(audio);
            written.push({ audio, id: `event_${i}`, start, end: writtenMs });
            ledger.wrote(plain(audio, `event_${i}`), manual);
          });
          check();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a long stream of 20 ms frames: the newest maxMs, in order, after the ring wrapped and grew', () => {
    const ledger = new UncommittedAudio(12_000);
    const sent: string[] = [];
    for (let i = 0; i < 5_000; i++) {
      const audio = audioOf(i, 320); // 1,280 characters: 20 ms of PCM16
      sent.push(audio);
      ledger.wrote(plain(audio, `event_${i}`), manual);
    }
    expect(ledger.keptMs).toBe(12_000);
    const { events, ms } = ledger.takeReplay(manual, 'pcm16');
    expect(ms).toBe(12_000);
    expect(events.map((e) => (e as Append).audio)).toEqual(sent.slice(-600));
    expect(events[0]?.event_id).toBe('event_4400');
  });

  it('frames that shrink after the ring wrapped: it grows with its oldest append mid-ring', () => {
    const ledger = new UncommittedAudio(2_000);
    const sent: string[] = [];
    // every other append the engine's: what kind each was survives the growth too
    const write = (i: number, quads: number) => {
      sent.push(audioOf(i, quads));
      const id = `event_${i}`;
      ledger.wrote(i % 2 ? new TrustedAppend(id, sent[i]!, 'pcm16') : plain(sent[i]!, id), manual);
    };
    // 20 ms frames: 100 kept, the oldest well into the ring after 300
    for (let i = 0; i < 300; i++) write(i, 320);
    // 5 ms frames: the ring grows twice while it has wrapped; the replay reaches back past both
    // growths (1.5 s of 5 ms frames, then the newest 0.5 s of the 20 ms ones)
    for (let i = 300; i < 600; i++) write(i, 80);
    const { events, ms } = ledger.takeReplay(manual, 'pcm16');
    expect(ms).toBe(2_000);
    expect(events.map((e) => (e as Append).audio)).toEqual(sent.slice(-325));
    expect(events.map((e) => e instanceof TrustedAppend)).toEqual(
      Array.from({ length: 325 }, (_, i) => (600 - 325 + i) % 2 === 1),
    );
  });
});

describe('the storage after a long turn', () => {
  // 20 ms of PCM16 (1,280 base64 characters) with an engine-like id
  const write = (ring: AppendRing, i: number) =>
    ring.push(plain('A'.repeat(1_280), `event_${i}`), 'pcm16', i * 20, i * 20 + 20);

  it('shrinks back to what the short tail needs: the ledger never empties while the microphone streams', () => {
    // a 20 s turn (1,000 appends), then 10 s more with the VAD tail (~65 appends) kept
    const long = new AppendRing();
    for (let i = 0; i < 1_000; i++) write(long, i);
    const grown = long.storageBytes;
    for (let i = 1_000; i < 1_500; i++) {
      write(long, i);
      while (long.length > 65) long.shift();
    }
    // the same tail, streamed without the turn before it
    const tail = new AppendRing();
    for (let i = 0; i < 500; i++) {
      write(tail, i);
      while (tail.length > 65) tail.shift();
    }
    expect(long.storageBytes).toBeLessThan(grown / 10);
    // the chunks in use and the spare may differ by one
    expect(long.storageBytes).toBeLessThanOrEqual(tail.storageBytes + 8 * 1024);
    // and what is kept is still the newest appends, in order
    expect(long.event(0).event_id).toBe('event_1435');
    expect(long.event(64).event_id).toBe('event_1499');
  });
});

describe('the ring against a model', () => {
  // base64-like text of any length (some past a chunk), and text that is not ASCII
  const text = fc.oneof(
    {
      weight: 5,
      arbitrary: fc.string({ unit: fc.constantFrom('A', 'b', '+', '/'), maxLength: 3_000 }),
    },
    {
      weight: 1,
      arbitrary: fc.string({ unit: fc.constantFrom('A', 'é', '\uD800'), maxLength: 6_000 }),
    },
    { weight: 1, arbitrary: fc.nat(12_000).map((n) => 'Q'.repeat(n)) },
  );
  const format = fc.constantFrom('pcm16', 'g711_ulaw', 'g711_alaw' as const);

  it('pushes and shifts (growing, wrapping, shrinking, emptying) keep every append as written', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            {
              weight: 20,
              arbitrary: fc.record({
                id: fc.option(text, { nil: undefined }),
                audio: text,
                trusted: fc.boolean(),
                format,
              }),
            },
            // shifts down to at most this many kept (0: it empties and releases all): the ring
            // grows past its first capacity, wraps, and drains far enough to shrink
            { weight: 1, arbitrary: fc.nat(200).map((keep) => ({ keep })) },
          ),
          // 260 ops pass the first capacity (128) and wrap; every kept append is checked after
          // every op, so the cost is quadratic: 500 ops and 60 runs took ~30 s (a CI timeout)
          { maxLength: 260, size: 'max' },
        ),
        (ops) => {
          const ring = new AppendRing();
          const model: { event: ClientEvent; trusted: boolean; format: string; at: number }[] = [];
          let at = 0;
          for (const op of ops) {
            if ('keep' in op) {
              while (model.length > op.keep) {
                ring.shift();
                model.shift();
              }
            } else {
              const trusted = op.trusted && op.id !== undefined;
              const event = trusted
                ? new TrustedAppend(op.id!, op.audio, op.format)
                : plain(op.audio, op.id);
              ring.push(event, op.format, at, at + 1);
              model.push({ event: { ...event }, trusted, format: op.format, at: at++ });
            }
            expect(ring.length).toBe(model.length);
            model.forEach((m, i) => {
              const again = ring.event(i);
              expect({ ...again }).toEqual(m.event);
              expect(again instanceof TrustedAppend).toBe(m.trusted);
              expect(ring.format(i)).toBe(m.format);
              expect([ring.startMs(i), ring.endMs(i)]).toEqual([m.at, m.at + 1]);
            });
          }
        },
      ),
      { numRuns: 12 },
    );
  });
});

describe('the audio of turns whose transcript has not come', () => {
  const vad = { inputAudioFormat: 'pcm16', turnDetection: { type: 'server_vad' } } as const;
  /** Writes `ms` of audio at `level` in 20 ms appends. */
  let n = 0;
  const write = (ledger: UncommittedAudio, level: number, ms: number) => {
    for (let t = 0; t < ms; t += 20)
      ledger.wrote(appendEvent(frame(level), 'pcm16', `event_${n++}`), vad);
  };
  /** One VAD turn: its speech reported from `startMs`, committed as `itemId`. */
  const turn = (ledger: UncommittedAudio, itemId: string, startMs: number, speechMs: number) => {
    ledger.speechStarted(startMs);
    write(ledger, 1000, speechMs);
    write(ledger, 0, 200);
    ledger.speechStopped(startMs + speechMs + 200, itemId);
    ledger.committed(itemId, { transcriptAwaited: true });
  };

  it('is kept until the transcript comes, and handed back as the samples written', () => {
    const ledger = new UncommittedAudio(10_000);
    turn(ledger, 'u1', 0, 2_000);
    // seconds of silence later, the transcript has still not come: the turn is still there
    write(ledger, 0, 3_000);
    expect(ledger.untranscribedTurns()).toEqual(['u1']);
    const audio = ledger.turnAudio('u1');
    expect(audio?.sampleRate).toBe(24_000);
    expect(audio?.data.length).toBe((2_200 * 24_000) / 1000);
    expect(audio?.data[0]).toBe(1000);
    ledger.transcribed('u1');
    expect(ledger.untranscribedTurns()).toEqual([]);
    expect(ledger.turnAudio('u1')).toBeUndefined();
    // and the replay between turns is still only the short tail
    expect(ledger.takeReplay(vad, 'pcm16').ms).toBeLessThanOrEqual(1_300);
  });

  it('a transcript that never comes keeps nothing past maxMs: no record per turn piles up', () => {
    const ledger = new UncommittedAudio(5_000);
    let at = 0;
    for (let i = 0; i < 200; i++) {
      turn(ledger, `u${i}`, at, 400);
      at += 600;
    }
    expect(ledger.untranscribedTurns().length).toBeLessThanOrEqual(9);
    expect(ledger.keptMs).toBeLessThanOrEqual(5_000);
    // the oldest turns lost their start to the bound: not handed back cut short
    expect(ledger.turnAudio('u0')).toBeUndefined();
  });
});
