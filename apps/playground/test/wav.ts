/**
 * Writes the WAV file Chromium plays as its fake microphone: a burst of voice-like sound (a
 * 150 Hz harmonic series with vibrato and a syllable-rate envelope, so noise suppression keeps
 * it) followed by silence. Chromium loops the file, so every loop is one more spoken turn.
 * @module
 */

/** Options of {@link voiceBurstWav}. */
export interface VoiceBurstOptions {
  /** Sample rate. @default 48000 */
  sampleRate?: number;
  /** Length of the voiced part, ms. @default 1000 */
  voiceMs?: number;
  /** Silence after it, ms. @default 1500 */
  silenceMs?: number;
}

/** A mono 16-bit PCM WAV file. */
export function voiceBurstWav(options: VoiceBurstOptions = {}): Uint8Array {
  const rate = options.sampleRate ?? 48_000;
  const voiced = Math.round(((options.voiceMs ?? 1000) * rate) / 1000);
  const total = voiced + Math.round(((options.silenceMs ?? 1500) * rate) / 1000);
  const samples = new Int16Array(total);
  let phase = 0;
  for (let i = 0; i < voiced; i++) {
    const t = i / rate;
    const f0 = 150 + 20 * Math.sin(2 * Math.PI * 3 * t);
    phase += (2 * Math.PI * f0) / rate;
    let x = 0;
    for (let h = 1; h <= 8; h++) x += Math.sin(h * phase) / h;
    const syllables = 0.55 + 0.45 * Math.sin(2 * Math.PI * 4 * t - Math.PI / 2) ** 2;
    const fade = Math.min(1, i / (0.02 * rate), (voiced - i) / (0.02 * rate));
    samples[i] = Math.round(0.45 * 32767 * (x / 2.7) * syllables * fade);
  }
  const bytes = new Uint8Array(44 + samples.byteLength);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string) =>
    [...text].forEach((c, k) => view.setUint8(offset + k, c.charCodeAt(0)));
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + samples.byteLength, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, samples.byteLength, true);
  new Int16Array(bytes.buffer, 44).set(samples);
  return bytes;
}
