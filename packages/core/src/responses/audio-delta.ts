/**
 * One output audio delta decoded into a PCM16 frame: base64 PCM16 read in place, G.711 expanded
 * (8 kHz). The hot path: once per `response.output_audio.delta`.
 * @module
 */
import { audioFrame, base64ToBytes, base64ToPcm16, g711Decode } from '@voxwire/protocol';
import type { AudioFrame } from '@voxwire/protocol';
import type { AudioFormatName } from '../options.js';

/** Decodes `delta` (base64 in `format`) into a mono frame at `sampleRate`. */
export function decodeAudioDelta(
  delta: string,
  format: AudioFormatName,
  sampleRate: number,
): AudioFrame {
  const data =
    format === 'pcm16'
      ? base64ToPcm16(delta)
      : g711Decode(base64ToBytes(delta), format === 'g711_ulaw' ? 'ulaw' : 'alaw');
  return audioFrame(data, sampleRate);
}
