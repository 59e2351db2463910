/**
 * A voice agent on a WebSocket, for the random fault suite (part 7): the fake answers as a small
 * shop's model does (an order is looked up with a function call, its output answered aloud),
 * hears each user turn by its loudness (so that audio a drop makes the engine write again is
 * transcribed as the turn it was, as a real transcription model would), and its socket drops
 * after a chosen number of server frames. The app plays answers on a simulated speaker and
 * barges in on `input_speech_started`, as the core README shows.
 * @module
 */
import {
  createFakeServer,
  SimulatedClock,
  speechThenSilence,
  type ResponseContext,
} from '@voxwire/testing';
import { createCounterIdGenerator, type AudioFrame, type Connector } from '@voxwire/protocol';
import type { Dialect, Logger } from '@voxwire/protocol';
import * as v from 'valibot';
import {
  RealtimeModel,
  type ChatItem,
  type RealtimeContent,
  type RealtimeSession,
} from '../src/index.js';
import { defineTool } from '../src/tools/tool.js';
import { filteringFrames, losingAt, type FrameFilter } from './side-band-helpers.js';
import { dyingNetwork } from './dying-network.js';

/**
 * The loudness of the first turn's speech, and how much louder each next one is (PCM16): wider
 * steps over a phone line, whose µ-law rounds a sample of 2,000–6,500 by up to ~130.
 */
const SPOKEN_PEAK = 2_000;
const SPOKEN_STEP = { pcm16: 200, g711_ulaw: 400 } as const;

/** How a call is set up. */
export interface CallSetup {
  readonly dialect: Dialect;
  /** Answers generated at once (else streamed as a model streams). */
  readonly instant: boolean;
  /** The speaker reports what it played (else the engine estimates it from the clock). */
  readonly reports: boolean;
  /** The provider's session lifetime (the engine rolls over halfway), or none. */
  readonly lifetimeMs?: number | undefined;
  /** How long the order lookup takes, ms. */
  readonly toolMs: number;
  /**
   * How long the server's transcription of a turn takes, ms (the real one ends after the answer
   * starts); `null`: input transcription off (the mirror keeps every turn's audio instead).
   */
  readonly transcriptionMs: number | null;
  /** The server's turn detection, or none (push-to-talk: the app commits and asks for the answer). */
  readonly vad: 'server_vad' | 'semantic_vad' | 'none';
  /**
   * The audio format both ways: a phone line's µ-law (8 kHz; the user speaks 8 kHz frames, so no
   * resampling rounds the loudness a turn is told apart by) or 24 kHz PCM16.
   * @default 'pcm16'
   */
  readonly format?: 'pcm16' | 'g711_ulaw' | undefined;
}

/**
 * The model of a small shop: a user's order is looked up with `order_status` ("order 3", or
 * "orders 3 and 4": one call per order, made in parallel), its output answered aloud, anything
 * else answered short.
 */
export function shopModel(ctx: ResponseContext): void {
  const last = ctx.input.at(-1);
  if (last?.['type'] === 'function_call_output') return ctx.say('Your order is in the oven.');
  const orders = /orders? (\d+)(?: and (\d+))?/.exec(ctx.userText ?? '')?.slice(1);
  if (orders !== undefined && last?.['type'] === 'message' && last['role'] === 'user') {
    for (const id of orders)
      if (id !== undefined) ctx.callFunction('order_status', { id }, { callId: `c${id}` });
    return;
  }
  ctx.say('Sure. Anything else I can do for you today?');
}

/** A speaker that plays frames in real time on the clock, and tells the engine (`reports`). */
function speaker(session: RealtimeSession, clock: SimulatedClock, reports: boolean) {
  let endsAt = 0;
  const timers = new Set<ReturnType<SimulatedClock['setTimeout']>>();
  return {
    play(frame: AudioFrame, content: RealtimeContent): void {
      endsAt = Math.max(endsAt, clock.now()) + (frame.data.length / frame.sampleRate) * 1000;
      const timer = clock.setTimeout(() => {
        timers.delete(timer);
        if (!reports) return;
        session.playback.played(content, frame);
        if (timers.size === 0) session.playback.stopped();
      }, endsAt - clock.now());
      timers.add(timer);
    },
    clear(): void {
      for (const timer of timers) clock.clearTimeout(timer);
      timers.clear();
      endsAt = clock.now();
    },
  };
}

/** The words of a message item: its text, or its audio's transcript. */
export function words(item: ChatItem): string {
  if (item.type !== 'message') return '';
  return item.content
    .map((c) => (c.type === 'text' ? c.text : c.type === 'audio' ? (c.transcript ?? '') : ''))
    .join(' ');
}

/** A voice agent's session on the fake, with its speaker, turns and socket drops. */
export function voiceAgentCall(setup: CallSetup, logger: Logger) {
  const format = setup.format ?? 'pcm16';
  const step = SPOKEN_STEP[format];
  const clock = new SimulatedClock({ microtaskRounds: 400, start: 1_700_000_000_000 });
  /** What each turn says, in order. */
  const said: string[] = [];
  /** What the server heard in each user item, known before its transcript comes (if ever). */
  const heardIn = new Map<string, string>();
  const { connector: fake, server } = createFakeServer({
    dialect: setup.dialect,
    clock,
    behaviour: shopModel,
    transcriptionDelayMs: setup.transcriptionMs ?? 0,
    transcribe: (samples, _rate, itemId) => {
      let peak = 0;
      for (const x of samples) if (Math.abs(x) > peak) peak = Math.abs(x);
      const heard = said[Math.round((peak - SPOKEN_PEAK) / step)] ?? '';
      heardIn.set(itemId, heard);
      return heard;
    },
    pacing: setup.instant
      ? { textDeltaIntervalMs: 0 }
      : { firstOutputDelayMs: 300, realtimeFactor: 0.5, textDeltaIntervalMs: 50 },
  });
  // the socket drops after `left` more server frames, once armed
  let left: number | undefined;
  const lose: FrameFilter = () => {
    if (left === undefined || left-- > 0) return false;
    left = undefined;
    return true;
  };
  const withLifetime: Connector = async (attempt) => ({
    ...(await fake(attempt)),
    ...(setup.lifetimeMs === undefined ? {} : { maxSessionDurationMs: setup.lifetimeMs }),
  });
  const runs: string[] = [];
  // …or its network dies without a close, found once audio waits on a buffer that never drains
  const network = dyingNetwork(
    filteringFrames(
      withLifetime,
      losingAt(lose, () => server.close(1006, 'network')),
    ),
  );
  const model = new RealtimeModel({
    connector: network.connector,
    // a turn's first frames fill this little buffer: the death is found within the turn
    backpressure: { highWaterMark: 4_096, drainTimeoutMs: 2_000 },
    clock,
    generateId: createCounterIdGenerator('t'),
    random: () => 0,
    logger,
    // with transcription off (from the start, or once the app turns it off), every turn is kept
    // as its audio: the suite asks each to be restored
    keepSentAudioMs: 600_000,
    tools: [
      defineTool({
        name: 'order_status',
        description: 'Where an order is',
        parameters: v.object({ id: v.string() }),
        execute: async ({ id }: { id: string }) => {
          runs.push(id);
          if (setup.toolMs > 0)
            await new Promise<void>((resolve) => clock.setTimeout(resolve, setup.toolMs));
          return { id, status: 'in the oven' };
        },
      }),
    ],
  });
  const session = model.session({
    ...(setup.transcriptionMs === null ? { inputAudioTranscription: null } : {}),
    ...(format === 'pcm16' ? {} : { inputAudioFormat: format, outputAudioFormat: format }),
    turnDetection:
      setup.vad === 'none'
        ? null
        : setup.vad === 'semantic_vad'
          ? { type: 'semantic_vad', eagerness: 'high' }
          : { type: 'server_vad', silenceDurationMs: 200 },
  });
  const player = speaker(session, clock, setup.reports);
  session.on('response_audio', (frame, content) => player.play(frame, content));
  let orders = 0;
  return {
    clock,
    server,
    session,
    said,
    heardIn,
    /** The order ids the tool looked up, in order. */
    runs,
    player,
    /** The socket drops after `frames` more server frames. */
    dropAfter(frames: number): void {
      left = frames;
    },
    /**
     * The network dies without a close when the microphone next streams. With a VAD the
     * microphone streams on, in silence, as a VAD app's does, until the engine finds the death and
     * reconnects; with push-to-talk it streams at the next press (a network that died in silence
     * is found once audio waits for it, or once the turn's commit hears nothing back).
     */
    async dieOnNextAppend(): Promise<void> {
      network.dieOnNextAppend();
      if (setup.vad === 'none') return;
      let back = false;
      const off = session.on('reconnected', () => (back = true));
      const frameMs = 100;
      const quiet =
        format === 'pcm16'
          ? speechThenSilence(0, frameMs)[0]!
          : speechThenSilence(0, frameMs, { sampleRate: 8_000 })[0]!;
      for (let t = 0; t < 30_000 && !back; t += frameMs) {
        session.inputAudioBuffer.append(quiet);
        await clock.advanceAsync(frameMs);
      }
      off();
    },
    /**
     * The network dies without a close at the next write of any kind: an app's request on a quiet
     * session, or the microphone's next frame.
     */
    dieOnNextSend(): void {
      network.dieOnNextSend();
    },
    /** The next frame is not lost, whatever was armed. */
    disarm(): void {
      left = undefined;
    },
    /**
     * The user speaks a turn in real time: a question, or an order (two with `both`). With
     * push-to-talk, `pressed` runs first (the app's barge-in), and the app commits the turn and
     * asks for its answer when the button is let go (`released`: what it asked, to watch).
     */
    async turn(
      order: boolean,
      both = false,
      push?: { pressed(): void; released(asked: Promise<unknown>): void },
    ): Promise<void> {
      if (setup.vad === 'none') push?.pressed();
      said.push(
        !order
          ? `Hello, this is turn ${said.length + 1}.`
          : both
            ? `Where are my orders ${++orders} and ${++orders}?`
            : `Where is my order ${++orders}?`,
      );
      const amplitude = (SPOKEN_PEAK + (said.length - 1) * step) / 32_767;
      // (500 Hz at 8 kHz: a sample falls on each peak, which 440 Hz misses by up to 1.5 %)
      const voice =
        format === 'pcm16' ? { amplitude } : { amplitude, sampleRate: 8_000, frequency: 500 };
      for (const frame of speechThenSilence(500, setup.vad === 'none' ? 100 : 600, voice)) {
        session.inputAudioBuffer.append(frame);
        await clock.advanceAsync(100);
      }
      if (setup.vad !== 'none') return;
      session.inputAudioBuffer.commit();
      push?.released(session.response.create());
    },
  };
}
