/**
 * How fast the fake server's generated responses go out, in clock time.
 * @module
 */

/** Pacing of generated responses, in clock time. */
export interface ResponsePacing {
  /**
   * Clock ms between `response.created` and the first output item.
   * @default 0
   */
  readonly firstOutputDelayMs?: number | undefined;
  /**
   * Audio per `response.output_audio.delta`, in ms.
   * @default 100
   */
  readonly audioChunkMs?: number | undefined;
  /**
   * Clock ms spent per ms of generated audio: 0 sends as fast as possible, 1 is real time.
   * @default 0
   */
  readonly realtimeFactor?: number | undefined;
  /**
   * Clock ms between text (or argument) deltas.
   * @default 0
   */
  readonly textDeltaIntervalMs?: number | undefined;
  /**
   * Milliseconds of synthetic speech per character of transcript.
   * @default 60
   */
  readonly msPerChar?: number | undefined;
}
