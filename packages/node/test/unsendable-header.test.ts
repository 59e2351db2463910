/**
 * A key pasted with a character HTTP cannot carry (a zero-width space or a curly quote from a
 * web page, a line break inside it): Node refuses the header before anything is sent, the same
 * way on every attempt. It was a retriable CONNECT_FAILED, so a session retried it with backoff
 * until its attempts ran out. It is fatal, says which header, and never shows the value.
 */
import { describe, expect, it } from 'vitest';
import { createWebSocketTransport } from '../src/index.js';
import { startError, transportTestKit } from './transport-helpers.js';

const { wsServer } = transportTestKit();

describe('a handshake header HTTP cannot carry', () => {
  it.each([
    ['a zero-width space', 'sk-proj-ABCDEF\u200b123456'],
    ['a line break inside', 'sk-proj-ABCDEF\n123456'],
  ])('%s in the key is a fatal BAD_REQUEST that names the header, not the key', async (_, key) => {
    const server = await wsServer();
    const transport = createWebSocketTransport({
      url: server.url,
      headers: { Authorization: `Bearer ${key}` },
      keepAlive: false,
    });
    const error = await startError(transport);
    expect(error).toMatchObject({ code: 'BAD_REQUEST', fatal: true, retriable: false });
    expect(error!.message).toMatch(/Authorization/);
    expect(error!.message).not.toContain('ABCDEF');
    expect(server.handshakes).toHaveLength(0);
  });
});
