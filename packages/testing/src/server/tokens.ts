/**
 * Token accounting of the fake server (documented approximations: the real model's tokenizer is
 * not public): text and audio tokens of what a response sees and says, and its `usage`.
 * @module
 */
import { isObject, type JsonObject } from './wire.js';

/** Output token accounting rates (documented approximations; the real model's tokenizer is not public). */
export const TOKENS = {
  /** Characters per text token. */
  charsPerToken: 4,
  /** Ms of input audio per audio token. */
  inputAudioMsPerToken: 100,
  /** Ms of output audio per audio token. */
  outputAudioMsPerToken: 50,
} as const;

/** Text tokens of a string (ceil of chars / 4). */
export function tokensOf(text: string): number {
  return Math.ceil(text.length / TOKENS.charsPerToken);
}

/** Input tokens of the items a response sees. */
export function inputTokensOf(
  items: readonly JsonObject[],
  instructions: string,
  audioMs: (id: string) => number,
): { text: number; audio: number } {
  let text = tokensOf(instructions);
  let audio = 0;
  for (const item of items) {
    if (typeof item['arguments'] === 'string') text += tokensOf(item['arguments']);
    if (typeof item['output'] === 'string') text += tokensOf(item['output']);
    const content = Array.isArray(item['content']) ? item['content'] : [];
    for (const part of content) {
      if (!isObject(part)) continue;
      if (typeof part['text'] === 'string') text += tokensOf(part['text']);
      if (part['type'] === 'input_audio' || part['type'] === 'output_audio') {
        audio += Math.ceil(audioMs(String(item['id'])) / TOKENS.inputAudioMsPerToken);
      }
    }
  }
  return { text, audio };
}

/** The `usage` of `response.done`, from the input and output token counts. */
export function usageOf(
  input: { text: number; audio: number },
  output: { text: number; audio: number },
): JsonObject {
  const out = output.text + output.audio;
  return {
    total_tokens: input.text + input.audio + out,
    input_tokens: input.text + input.audio,
    output_tokens: out,
    input_token_details: {
      text_tokens: input.text,
      audio_tokens: input.audio,
      image_tokens: 0,
      cached_tokens: 0,
      cached_tokens_details: { text_tokens: 0, audio_tokens: 0, image_tokens: 0 },
    },
    output_token_details: {
      text_tokens: output.text,
      audio_tokens: output.audio,
    },
  };
}
