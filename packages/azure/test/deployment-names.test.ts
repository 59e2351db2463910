/**
 * Deployment names as they come from configuration: an environment file with CRLF line endings
 * or a value read from a file keeps its line break, and an unset variable pasted into a template
 * is blank. End to end over a real socket to the fake server's Azure paths.
 */
import { nextEvent as next } from '@voxwire/testing';
import { startFakeWsServer } from '@voxwire/testing/ws';
import { afterEach, describe, expect, it } from 'vitest';
import { azureConnector, azureRealtimeUrl, withAzure } from '../src/index.js';

const KEY = 'azure-names-key-0123456789';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('deployment names from configuration', () => {
  it('a realtime and a transcription deployment with a line break are sent trimmed (Azure: 404 DeploymentNotFound, fatal)', async () => {
    const fake = await startFakeWsServer({ apiKey: KEY, pingIntervalMs: false });
    cleanups.push(() => fake.close());
    for (const apiVersion of [undefined, '2025-04-01-preview']) {
      const model = withAzure({
        azureDeployment: 'gpt-realtime\r\n',
        transcriptionDeployment: ' my-whisper\n',
        baseURL: fake.url.replace(/\/v1$/, '/openai'),
        apiKey: KEY,
        apiVersion,
        env: {},
      });
      const session = model.session();
      cleanups.push(() => session.close());
      await next(session, 'session_updated');
      expect(session.options.inputAudioTranscription).toEqual({ model: 'my-whisper' });
      await session.close();
    }
    expect(fake.handshakes.map((h) => h.url)).toEqual([
      '/openai/v1/realtime?model=gpt-realtime',
      '/openai/realtime?api-version=2025-04-01-preview&deployment=gpt-realtime',
    ]);
    const transcription = fake.server.clientEvents
      .filter((e) => e['type'] === 'session.update')
      .map(
        (e) =>
          (e['session'] as { audio: { input: { transcription: { model: string } } } }).audio.input
            .transcription.model,
      );
    expect(transcription).toEqual(['my-whisper', 'my-whisper']);
  });

  it('the URL builder trims the deployment too', () => {
    expect(
      azureRealtimeUrl({ endpoint: 'https://res.openai.azure.com', deployment: ' gpt-realtime\n' })
        .url.href,
    ).toBe('wss://res.openai.azure.com/openai/v1/realtime?model=gpt-realtime');
  });

  it('a blank transcription deployment (an unset variable) is refused where it is made, typed', () => {
    // it replaced the transcription model on the wire: a configured model became ''
    const options = {
      azureDeployment: 'gpt-realtime',
      azureEndpoint: 'https://res.openai.azure.com',
      apiKey: KEY,
      env: {},
    };
    for (const blank of ['', '  ', '\n']) {
      const missing = expect.objectContaining({ code: 'MISSING_OPTION' });
      expect(() => azureConnector({ ...options, transcriptionDeployment: blank })).toThrow(missing);
      expect(() =>
        withAzure({
          ...options,
          transcriptionDeployment: blank,
          inputAudioTranscription: { model: 'gpt-4o-transcribe' },
        }),
      ).toThrow(missing);
    }
  });
});
