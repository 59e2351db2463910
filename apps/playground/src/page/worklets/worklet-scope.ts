/**
 * The few AudioWorkletGlobalScope names the worklets use. TypeScript's DOM lib does not declare
 * them (its `audioworklet` lib conflicts with DOM), so they are declared here once.
 * @module
 */

/** Base class of audio worklet processors (provided by the browser). */
export interface WorkletProcessor {
  readonly port: MessagePort;
  process(
    inputs: Float32Array[][],
    outputs: Float32Array[][],
    parameters: Record<string, Float32Array>,
  ): boolean;
}

interface WorkletScope {
  AudioWorkletProcessor: new () => { readonly port: MessagePort };
  registerProcessor(name: string, ctor: new () => WorkletProcessor): void;
  sampleRate: number;
}

/** The worklet global scope, typed. Only valid inside an AudioWorklet. */
export const scope = globalThis as unknown as WorkletScope;
