/**
 * Headers a gateway in front of Azure OpenAI wants (API Management's `Ocp-Apim-Subscription-Key`,
 * any header passed through `headers`) carry secrets as much as `api-key` does: a gateway that
 * echoes them in its refusal must not put them in an error, a log line or a description.
 */
import { createRecorder, SimulatedClock } from '@voxwire/testing';
import { startRefusingServer, advanceWithSockets } from '@voxwire/testing/ws';
import { afterEach, describe, expect, it } from 'vitest';
import { azureConnector, withAzure } from '../src/index.js';

const KEY = 'azure-gateway-key-0123456789';
const SUBSCRIPTION = 'apim-subscription-9f8e7d6c5b4a';
const CUSTOM = 'gateway-custom-secret-1a2b3c';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function echoingGateway() {
  // APIM-like: a refusal whose body quotes what it was sent
  const gateway = await startRefusingServer({
    status: 401,
    body: JSON.stringify({
      statusCode: 401,
      message: `Access denied due to invalid subscription key ${SUBSCRIPTION} (x-gateway-auth: ${CUSTOM}).`,
    }),
  });
  cleanups.push(() => gateway.close());
  return { ...gateway, baseURL: `http://127.0.0.1:${gateway.port}/openai` };
}

const headers = { 'Ocp-Apim-Subscription-Key': SUBSCRIPTION, 'x-gateway-auth': CUSTOM };

describe('gateway headers are secrets', () => {
  it("a refused connect's error does not quote a header value the gateway echoed", async () => {
    const gateway = await echoingGateway();
    const connector = azureConnector({
      azureDeployment: 'gpt-realtime',
      baseURL: gateway.baseURL,
      apiKey: KEY,
      headers,
      env: {},
    });
    const connection = await connector({ attempt: 0, signal: new AbortController().signal });
    expect(connection.description).not.toContain(SUBSCRIPTION);
    const error = await connection.transport.start().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toMatchObject({ code: 'AUTH_FAILED' });
    // the gateway's message got through, redacted
    expect(error!.message).toContain('Access denied');
    expect(error!.message).toContain('[REDACTED]');
    expect(error!.message).not.toContain(SUBSCRIPTION);
    expect(error!.message).not.toContain(CUSTOM);
    expect(gateway.requests[0]!.headers['ocp-apim-subscription-key']).toBe(SUBSCRIPTION);
  });

  it('a subscription-key in the query (APIM accepts it there) reaches no description, error or close', async () => {
    const QUERY_SUB = 'apim-query-subscription-4c3b2a19';
    const gateway = await startRefusingServer({
      status: 401,
      body: JSON.stringify({
        statusCode: 401,
        message: `Access denied due to invalid subscription key ${QUERY_SUB}.`,
      }),
    });
    cleanups.push(() => gateway.close());
    const connector = azureConnector({
      azureDeployment: 'gpt-realtime',
      baseURL: `http://127.0.0.1:${gateway.port}/openai?subscription-key=${QUERY_SUB}`,
      apiKey: KEY,
      env: {},
    });
    const connection = await connector({ attempt: 0, signal: new AbortController().signal });
    expect(connection.description).not.toContain(QUERY_SUB);
    const closes: string[] = [];
    connection.transport.onclose = (code, reason) => closes.push(`${code} ${reason}`);
    const error = await connection.transport.start().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toMatchObject({ code: 'AUTH_FAILED' });
    expect(error!.message).toContain('Access denied');
    expect(error!.message).not.toContain(QUERY_SUB);
    expect(closes.join()).not.toContain(QUERY_SUB);
    // sent all the same: the gateway needs it
    expect(gateway.requests[0]!.url).toContain(`subscription-key=${QUERY_SUB}`);
  });

  it('nothing a session logs or emits quotes them', async () => {
    const gateway = await echoingGateway();
    const clock = new SimulatedClock();
    const { logger, tap, dump, seen } = createRecorder();
    const model = withAzure({
      azureDeployment: 'gpt-realtime',
      baseURL: gateway.baseURL,
      apiKey: KEY,
      headers,
      env: {},
      clock,
      keepAlive: false,
      logger,
    });
    const session = model.session();
    cleanups.push(() => session.close());
    tap(session, ['error', 'closed', 'disconnected', 'reconnecting']);
    await advanceWithSockets(
      clock,
      () => seen.some((e) => 'event' in e && e.event === 'closed'),
      30_000,
    );
    const text = dump();
    expect(text).toContain('Access denied');
    expect(text).not.toContain(SUBSCRIPTION);
    expect(text).not.toContain(CUSTOM);
    expect(text).not.toContain(KEY);
  });
});
