/**
 * Assistant audio playback. Holds the queue, counts what was actually rendered per item, reports
 * progress about every 100 ms, and on `stop` answers with the exact played counts so the page can
 * truncate the assistant item at what the person heard.
 * @module
 */
import { PlaybackQueue } from '../audio/playback-queue.js';
import { StreamResampler, pcm16ToFloat } from '../audio/resampler.js';
import { scope } from './worklet-scope.js';
import type { WorkletProcessor } from './worklet-scope.js';

const SOURCE_RATE = 24_000;
/** Render quanta between progress reports (128 samples each: ~100 ms at 24 kHz). */
const REPORT_EVERY = 19;

type Inbound =
  | { type: 'enqueue'; itemId: string; contentIndex: number; pcm: ArrayBuffer }
  | { type: 'end'; itemId: string }
  | { type: 'stop'; requestId: number };

class PlaybackProcessor extends scope.AudioWorkletProcessor implements WorkletProcessor {
  private readonly queue = new PlaybackQueue();
  private resampler: StreamResampler | null = null;
  private quanta = 0;
  private wasPlaying = false;

  constructor() {
    super();
    this.port.onmessage = (event: MessageEvent<Inbound>) => this.onMessage(event.data);
  }

  private onMessage(message: Inbound): void {
    switch (message.type) {
      case 'enqueue': {
        let samples = pcm16ToFloat(new Int16Array(message.pcm));
        if (scope.sampleRate !== SOURCE_RATE) {
          this.resampler ??= new StreamResampler({
            inputRate: SOURCE_RATE,
            outputRate: scope.sampleRate,
          });
          samples = this.resampler.push(samples);
        }
        this.queue.enqueue(message.itemId, samples, message.contentIndex);
        break;
      }
      case 'end':
        this.queue.markEnded(message.itemId);
        break;
      case 'stop': {
        const items = this.queue.stop();
        this.resampler = null;
        this.wasPlaying = false;
        this.port.postMessage({
          type: 'stopped',
          requestId: message.requestId,
          sampleRate: scope.sampleRate,
          items,
        });
        break;
      }
    }
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const out = outputs[0];
    const first = out?.[0];
    if (!out || !first) return true;
    this.queue.render(first);
    for (let ch = 1; ch < out.length; ch++) out[ch]?.set(first);
    const playing = this.queue.playing;
    if (++this.quanta % REPORT_EVERY === 0 || playing !== this.wasPlaying) {
      this.port.postMessage({
        type: 'progress',
        sampleRate: scope.sampleRate,
        playing,
        items: this.queue.snapshot(),
      });
      this.queue.forgetFinished();
    }
    this.wasPlaying = playing;
    return true;
  }
}

scope.registerProcessor('voxwire-playback', PlaybackProcessor);
