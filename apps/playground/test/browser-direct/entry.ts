/**
 * Bundled for the page by `browser-direct.test.ts`: `@voxwire/core` alone in a browser, connected
 * straight to a realtime server with the browser's own `WebSocket` and an ephemeral secret in the
 * subprotocols (no playground server in between).
 */
import { RealtimeModel, openaiWebSocketConnector } from '@voxwire/core';

/** What one run in the page reports back. */
export interface DirectRun {
  readonly text: string | undefined;
  readonly status: string | undefined;
  readonly errors: string[];
  readonly closedWith: string | undefined;
}

async function run(baseURL: string, secret: string): Promise<DirectRun> {
  const errors: string[] = [];
  const model = new RealtimeModel({
    connector: openaiWebSocketConnector({ WebSocket, baseURL, clientSecret: async () => secret }),
    modalities: ['text'],
    instructions: 'Be brief.',
  });
  const session = model.session();
  session.on('error', (error) => errors.push(`${error.name}:${'code' in error ? error.code : ''}`));
  const closed = new Promise<string>((resolve) =>
    session.once('closed', ({ error }) => resolve(error?.code ?? 'closed')),
  );
  let text: string | undefined;
  let status: string | undefined;
  try {
    await session.conversation.item.create({ role: 'user', content: 'Hello from a page' });
    const response = await session.response.generate();
    await response.done;
    text = response.text;
    status = response.status;
    await model.close();
  } catch (error) {
    // a refused connection rejects what was asked of it: the `closed` event says why
    errors.push(`thrown:${(error as { code?: string }).code ?? String(error)}`);
  }
  return { text, status, errors, closedWith: await closed };
}

(globalThis as unknown as { voxwireDirect: typeof run }).voxwireDirect = run;
