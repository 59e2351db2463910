/**
 * Microphone capture: resamples the context's native rate to 24 kHz, converts to PCM16 and posts
 * 40 ms chunks (inside the API's comfortable 20–100 ms range) with their level to the page.
 * @module
 */
import { StreamResampler, floatToPcm16, rms } from '../audio/resampler.js';
import { scope } from './worklet-scope.js';
import type { WorkletProcessor } from './worklet-scope.js';

/** Output rate of the Realtime API's PCM16 format. */
const TARGET_RATE = 24_000;
/** 40 ms at 24 kHz. */
const CHUNK_SAMPLES = 960;

class CaptureProcessor extends scope.AudioWorkletProcessor implements WorkletProcessor {
  private readonly resampler = new StreamResampler({
    inputRate: scope.sampleRate,
    outputRate: TARGET_RATE,
  });
  private pending = new Float32Array(CHUNK_SAMPLES);
  private filled = 0;

  process(inputs: Float32Array[][]): boolean {
    const channel = inputs[0]?.[0];
    if (!channel) return true; // no input connected yet; stay alive
    const resampled = this.resampler.push(channel);
    let offset = 0;
    while (offset < resampled.length) {
      const n = Math.min(CHUNK_SAMPLES - this.filled, resampled.length - offset);
      this.pending.set(resampled.subarray(offset, offset + n), this.filled);
      this.filled += n;
      offset += n;
      if (this.filled === CHUNK_SAMPLES) {
        const pcm = floatToPcm16(this.pending);
        this.port.postMessage({ type: 'chunk', pcm: pcm.buffer, level: rms(this.pending) }, [
          pcm.buffer,
        ]);
        this.pending = new Float32Array(CHUNK_SAMPLES);
        this.filled = 0;
      }
    }
    return true;
  }
}

scope.registerProcessor('voxwire-capture', CaptureProcessor);
