/**
 * Assistant audio playback through the playback worklet, in a 24 kHz context (the browser
 * resamples to the device). Keeps the worklet's latest per-item counts and, on `interrupt()`,
 * returns how many milliseconds of each cut item were heard: rendered by the worklet, minus the
 * browser's output latency (see `latency.ts`).
 * @module
 */
import { base64ToBytes } from '@voxwire/protocol';
import { heardMs, outputLatencyMs } from './latency.js';
import type { ItemPlayback } from './playback-queue.js';

/** How much of an item the person heard when playback was cut. */
export interface PlayedItem {
  itemId: string;
  contentIndex: number;
  /** Milliseconds heard: rendered minus the output latency, floored, never below 0. */
  playedMs: number;
  /** Milliseconds rendered by the worklet (before subtracting the output latency). */
  renderedMs: number;
  /** The output latency subtracted, in milliseconds. */
  latencyMs: number;
  /** Milliseconds received from the server. */
  receivedMs: number;
}

type Outbound =
  | { type: 'progress'; sampleRate: number; playing: boolean; items: ItemPlayback[] }
  | { type: 'stopped'; requestId: number; sampleRate: number; items: ItemPlayback[] };

/** The page's speaker. */
export class Speaker {
  /** Called when playback starts or stops (queue drained). */
  onPlayingChange: ((playing: boolean) => void) | undefined;
  private playing = false;
  private nextRequest = 1;
  private readonly waiting = new Map<number, (items: PlayedItem[]) => void>();

  private constructor(
    private readonly context: AudioContext,
    private readonly node: AudioWorkletNode,
  ) {
    node.port.onmessage = (event: MessageEvent<Outbound>) => this.onMessage(event.data);
  }

  /** Creates the audio context and loads the worklet. */
  static async create(): Promise<Speaker> {
    const context = new AudioContext({ sampleRate: 24_000, latencyHint: 'interactive' });
    await context.audioWorklet.addModule('/playback-worklet.js');
    const node = new AudioWorkletNode(context, 'voxwire-playback', {
      numberOfInputs: 0,
      numberOfOutputs: 1,
      outputChannelCount: [1],
    });
    node.connect(context.destination);
    await context.resume();
    return new Speaker(context, node);
  }

  /** True while audio is being played. */
  get isPlaying(): boolean {
    return this.playing;
  }

  /** Queues base64 PCM16 (24 kHz mono) for `itemId`. */
  enqueue(itemId: string, contentIndex: number, pcm16Base64: string): void {
    const bytes = base64ToBytes(pcm16Base64);
    // Copy into an aligned, exclusively owned buffer so it can be transferred to the worklet.
    const pcm = new ArrayBuffer(bytes.byteLength - (bytes.byteLength % 2));
    new Uint8Array(pcm).set(bytes.subarray(0, pcm.byteLength));
    this.node.port.postMessage({ type: 'enqueue', itemId, contentIndex, pcm }, [pcm]);
    // Browsers may suspend a context that was created without a gesture; resume on use.
    if (this.context.state === 'suspended') void this.context.resume();
  }

  /** No more audio will come for `itemId`. */
  end(itemId: string): void {
    this.node.port.postMessage({ type: 'end', itemId });
  }

  /** Stops playback now; resolves with what was played of each item that got cut. */
  interrupt(): Promise<PlayedItem[]> {
    const requestId = this.nextRequest++;
    return new Promise((resolve) => {
      this.waiting.set(requestId, resolve);
      this.node.port.postMessage({ type: 'stop', requestId });
    });
  }

  /** Releases the audio context. */
  async close(): Promise<void> {
    this.node.disconnect();
    await this.context.close();
  }

  private onMessage(message: Outbound): void {
    if (message.type === 'stopped') {
      const toMs = (samples: number) => heardMs(samples, message.sampleRate, 0);
      // Read now, at the cut: Chromium updates outputLatency as the device changes.
      const latencyMs = outputLatencyMs(this.context);
      this.waiting.get(message.requestId)?.(
        message.items.map((i) => ({
          itemId: i.itemId,
          contentIndex: i.contentIndex,
          playedMs: heardMs(i.playedSamples, message.sampleRate, latencyMs),
          renderedMs: toMs(i.playedSamples),
          latencyMs: Math.round(latencyMs),
          receivedMs: toMs(i.receivedSamples),
        })),
      );
      this.waiting.delete(message.requestId);
      this.setPlaying(false);
      return;
    }
    this.setPlaying(message.playing);
  }

  private setPlaying(playing: boolean): void {
    if (playing === this.playing) return;
    this.playing = playing;
    this.onPlayingChange?.(playing);
  }
}
