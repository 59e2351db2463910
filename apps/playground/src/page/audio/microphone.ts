/**
 * Microphone capture: getUserMedia → AudioWorklet (resampled to 24 kHz PCM16 in the worklet) →
 * 40 ms chunks handed to `onChunk`. The context runs at the device's own rate because some
 * browsers refuse to connect a microphone to a context of another rate.
 * @module
 */

/** Called with each 40 ms chunk of 24 kHz PCM16 and its RMS level (0–1). */
export type ChunkListener = (pcm: Int16Array, level: number) => void;

/** Called once when the device stops on its own (unplugged, permission withdrawn), not on {@link Microphone.stop}. */
export type EndedListener = () => void;

/** A running microphone capture. */
export class Microphone {
  private constructor(
    private readonly context: AudioContext,
    private readonly stream: MediaStream,
    private readonly node: AudioWorkletNode,
  ) {}

  /** Asks for the microphone and starts capturing. Rejects with the browser's error (e.g. NotAllowedError). */
  static async start(onChunk: ChunkListener, onEnded?: EndedListener): Promise<Microphone> {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: {
        channelCount: 1,
        echoCancellation: true,
        noiseSuppression: true,
        autoGainControl: true,
      },
    });
    const context = new AudioContext({ latencyHint: 'interactive' });
    try {
      await context.audioWorklet.addModule('/capture-worklet.js');
      const source = context.createMediaStreamSource(stream);
      const node = new AudioWorkletNode(context, 'voxwire-capture', {
        numberOfInputs: 1,
        numberOfOutputs: 0,
      });
      node.port.onmessage = (
        event: MessageEvent<{ type: 'chunk'; pcm: ArrayBuffer; level: number }>,
      ) => {
        if (event.data.type === 'chunk') onChunk(new Int16Array(event.data.pcm), event.data.level);
      };
      source.connect(node);
      await context.resume();
      // A track ends by itself when the device goes away: capture then delivers nothing, and
      // the page would show a running microphone that hears no one.
      const track = stream.getAudioTracks()[0];
      if (track && onEnded) track.addEventListener('ended', () => onEnded(), { once: true });
      return new Microphone(context, stream, node);
    } catch (error) {
      for (const track of stream.getTracks()) track.stop();
      await context.close();
      throw error;
    }
  }

  /** Stops capture and releases the device. */
  async stop(): Promise<void> {
    this.node.port.onmessage = null;
    this.node.disconnect();
    for (const track of this.stream.getTracks()) track.stop();
    await this.context.close();
  }
}
