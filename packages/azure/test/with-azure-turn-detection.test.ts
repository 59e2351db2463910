/**
 * `withAzure` applies Azure's turn detection defaults (README "Azure's differences", item 6) and
 * a `turnDetection` option names only the fields to change, as everywhere in core: the fields it
 * leaves out keep Azure's values, not core's OpenAI defaults.
 */
import { describe, expect, it } from 'vitest';
import { AZURE_DEFAULT_TURN_DETECTION, withAzure } from '../src/index.js';

const BASE = {
  azureDeployment: 'gpt-realtime',
  azureEndpoint: 'https://my-resource.openai.azure.com',
  apiKey: 'azure-key',
  env: {},
} as const;

describe('withAzure turn detection', () => {
  it('defaults to Azure server VAD: 0.5 / 300 ms / 200 ms, create_response, no interrupt_response', () => {
    expect(withAzure(BASE).defaults.turnDetection).toEqual({
      type: 'server_vad',
      threshold: 0.5,
      prefixPaddingMs: 300,
      silenceDurationMs: 200,
      createResponse: true,
    });
  });

  it('a server VAD override changes only the fields it names; the rest stay Azure’s', () => {
    const model = withAzure({ ...BASE, turnDetection: { type: 'server_vad', threshold: 0.7 } });
    expect(model.defaults.turnDetection).toEqual({
      type: 'server_vad',
      threshold: 0.7,
      prefixPaddingMs: 300,
      silenceDurationMs: 200,
      createResponse: true,
    });
  });

  it('an override may still set interrupt_response, or switch to semantic VAD or off', () => {
    expect(
      withAzure({ ...BASE, turnDetection: { type: 'server_vad', interruptResponse: false } })
        .defaults.turnDetection,
    ).toEqual({ ...AZURE_DEFAULT_TURN_DETECTION, interruptResponse: false });
    expect(
      withAzure({ ...BASE, turnDetection: { type: 'semantic_vad', eagerness: 'high' } }).defaults
        .turnDetection,
    ).toEqual({
      type: 'semantic_vad',
      eagerness: 'high',
      createResponse: true,
      interruptResponse: true,
    });
    expect(withAzure({ ...BASE, turnDetection: null }).defaults.turnDetection).toBeNull();
  });
});
