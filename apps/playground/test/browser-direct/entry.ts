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

/** What a run on a network that dies reports back. */
export interface DeadNetworkRun {
  /** Whether the session reconnected after the network died. */
  readonly reconnected: boolean;
  /** Wall ms from the network's death to the reconnect. */
  readonly ms: number;
  readonly errors: string[];
}

/**
 * A session streams the microphone (faster than real time, to fill the buffers of a loopback
 * socket within the test) after `unplug` kills its network without a close; the browser's
 * WebSocket has no keep-alive ping, so only `backpressure.drainTimeoutMs` notices.
 */
async function deadNetwork(
  baseURL: string,
  secret: () => string,
  unplug: () => Promise<void>,
): Promise<DeadNetworkRun> {
  const errors: string[] = [];
  const model = new RealtimeModel({
    // a secret of its own for each connect, as an app's server mints one per connect
    connector: openaiWebSocketConnector({ WebSocket, baseURL, clientSecret: async () => secret() }),
    modalities: ['text'],
    turnDetection: null,
    backpressure: { drainTimeoutMs: 2_000 },
  });
  const session = model.session();
  session.on('error', (error) => errors.push(`${error.name}:${'code' in error ? error.code : ''}`));
  await new Promise<void>((resolve) => session.once('session_updated', () => resolve()));
  let reconnected = false;
  session.once('reconnected', () => (reconnected = true));
  await unplug();
  const diedAt = performance.now();
  const second = { data: new Int16Array(24_000), sampleRate: 24_000, channels: 1 };
  while (!reconnected && performance.now() - diedAt < 30_000) {
    session.inputAudioBuffer.append(second);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const ms = Math.round(performance.now() - diedAt);
  await model.close();
  return { reconnected, ms, errors };
}

/** What a request on a network that died under an idle session reports back. */
export interface DeadNetworkIdleRun {
  /** The answer's status and text, once the fresh connection gave it. */
  readonly answer: string | undefined;
  /** Wall ms from the request to the reconnect. */
  readonly ms: number;
  readonly errors: string[];
}

/**
 * A text session sits idle when `unplug` kills its network without a close; then the app asks
 * for an answer. Nothing streams, so the socket's buffer never fills: `replyTimeoutMs` finds the
 * death (the server answers nothing), the session reconnects, and the fresh server answers.
 */
async function deadNetworkIdle(
  baseURL: string,
  secret: () => string,
  unplug: () => Promise<void>,
): Promise<DeadNetworkIdleRun> {
  const errors: string[] = [];
  const model = new RealtimeModel({
    connector: openaiWebSocketConnector({ WebSocket, baseURL, clientSecret: async () => secret() }),
    modalities: ['text'],
    replyTimeoutMs: 2_000,
  });
  const session = model.session();
  session.on('error', (error) => errors.push(`${error.name}:${'code' in error ? error.code : ''}`));
  await new Promise<void>((resolve) => session.once('session_updated', () => resolve()));
  let reconnectedAt: number | undefined;
  session.once('reconnected', () => (reconnectedAt = performance.now()));
  await unplug();
  const askedAt = performance.now();
  let answer: string | undefined;
  try {
    await session.conversation.item.create({ role: 'user', content: 'Still there?' });
    const response = await session.response.generate();
    await response.done;
    answer = `${response.status}: ${response.text}`;
  } catch (error) {
    errors.push(`thrown:${(error as { code?: string }).code ?? String(error)}`);
  }
  const ms = Math.round((reconnectedAt ?? performance.now()) - askedAt);
  await model.close();
  return { answer, ms, errors };
}

(globalThis as unknown as { voxwireDirect: typeof run }).voxwireDirect = run;
(
  globalThis as unknown as { voxwireDeadNetworkIdle: typeof deadNetworkIdle }
).voxwireDeadNetworkIdle = deadNetworkIdle;
(globalThis as unknown as { voxwireDeadNetwork: typeof deadNetwork }).voxwireDeadNetwork =
  deadNetwork;
