/**
 * createWebSocketTransport's TLS failures are fatal and say what to do: a self-signed or
 * otherwise untrusted certificate (and the same server trusted through an agent), wss: to a
 * port that does not speak TLS, and the socket error codes that stay a retriable CONNECT_FAILED.
 */
import { EventEmitter } from 'node:events';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { Agent as HttpsAgent, createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createWebSocketTransport, TransportError } from '../src/index.js';
import type WebSocket from 'ws';
import { SELF_SIGNED_CERT, SELF_SIGNED_KEY } from './fixtures/self-signed.js';
import { SECRET, startError, transportTestKit } from './transport-helpers.js';

const { cleanups, track } = transportTestKit();

describe('createWebSocketTransport: TLS certificate failures are fatal', () => {
  /** Listens on a free loopback port, closed after the test; resolves with the port. */
  async function listening(server: HttpServer): Promise<number> {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    return (server.address() as AddressInfo).port;
  }

  async function selfSignedServer(): Promise<number> {
    // an HTTPS server, no WebSocket server: whoever gets past TLS is refused with 404
    const server = createHttpsServer({ key: SELF_SIGNED_KEY, cert: SELF_SIGNED_CERT }, (_, res) =>
      res.writeHead(404).end(),
    );
    server.on('tlsClientError', () => undefined);
    return listening(server);
  }

  it('a self-signed certificate fails the connect with a fatal TLS_CERTIFICATE_INVALID that says what to do', async () => {
    const port = await selfSignedServer();
    const transport = createWebSocketTransport({
      url: `wss://127.0.0.1:${port}/v1/realtime`,
      headers: { Authorization: `Bearer ${SECRET}` },
    });
    const t = track(transport);
    const error = await startError(transport);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({
      code: 'TLS_CERTIFICATE_INVALID',
      fatal: true,
      retriable: false,
    });
    expect((error.cause as { code?: string }).code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toContain('self-signed');
    expect(error.message).toContain('NODE_EXTRA_CA_CERTS');
    expect(error.message).not.toContain(SECRET);
    await t.closed;
    expect(t.closes).toHaveLength(1);
    expect(transport.closeError).toBe(error);
  });

  it('the same server with its certificate trusted (an agent with the CA) connects past TLS', async () => {
    const port = await selfSignedServer();
    const transport = createWebSocketTransport({
      url: `wss://localhost:${port}/v1/realtime`,
      agent: new HttpsAgent({ ca: SELF_SIGNED_CERT }),
    });
    track(transport);
    const error = await startError(transport);
    // refused at the HTTP upgrade (404): TLS itself passed
    expect(error).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 404 });
  });

  /** A `ws` stand-in whose connect fails with a socket error of the given code. */
  function failingWith(code: string, message = `${code}: some detail`): typeof WebSocket {
    return class extends EventEmitter {
      readyState = 0;
      bufferedAmount = 0;
      protocol = '';
      constructor() {
        super();
        queueMicrotask(() => {
          this.emit('error', Object.assign(new Error(message), { code }));
          this.readyState = 3;
          this.emit('close', 1006, Buffer.alloc(0));
        });
      }
      terminate(): void {}
    } as unknown as typeof WebSocket;
  }

  it.each([
    'CERT_HAS_EXPIRED',
    'CERT_NOT_YET_VALID',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'CERT_REVOKED',
    'HOSTNAME_MISMATCH',
    'ERR_TLS_CERT_ALTNAME_INVALID',
  ])('%s is a fatal TLS_CERTIFICATE_INVALID', async (code) => {
    const transport = createWebSocketTransport({
      url: 'wss://api.openai.test/v1/realtime',
      WebSocket: failingWith(code),
    });
    track(transport);
    const error = await startError(transport);
    expect(error).toMatchObject({ code: 'TLS_CERTIFICATE_INVALID', fatal: true });
    expect((error.cause as { code?: string }).code).toBe(code);
    expect(error.message).toContain('api.openai.test');
  });

  it('wss: to a plain ws:/http: port fails at once with a fatal NOT_TLS that says to use ws://', async () => {
    // a local fake server speaks plain HTTP: it answers the TLS ClientHello with an HTTP 400
    const port = await listening(createHttpServer());
    const transport = createWebSocketTransport({
      url: `wss://127.0.0.1:${port}/v1/realtime`,
      headers: { Authorization: `Bearer ${SECRET}` },
    });
    const t = track(transport);
    const error = await startError(transport);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ code: 'NOT_TLS', fatal: true, retriable: false });
    expect(error.message).toContain(`the server at 127.0.0.1:${port} does not speak TLS`);
    expect(error.message).toContain(`Use ws://127.0.0.1:${port}`);
    expect(error.message).not.toContain(SECRET);
    await t.closed;
    expect(transport.closeError).toBe(error);
  });

  it.each([
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_WRONG_VERSION_NUMBER: some detail'],
    ['EPROTO', 'write EPROTO 80:error:0A00010B:SSL routines:ssl3_get_record:wrong version number'],
  ])('%s (wrong version number) is a fatal NOT_TLS naming the host', async (code, message) => {
    const transport = createWebSocketTransport({
      url: 'wss://api.openai.test:8080/v1/realtime',
      WebSocket: failingWith(code, message),
    });
    track(transport);
    const error = await startError(transport);
    expect(error).toMatchObject({ code: 'NOT_TLS', fatal: true });
    expect(error.message).toContain('api.openai.test:8080 does not speak TLS');
  });

  it.each(['ECONNRESET', 'ETIMEDOUT', 'EPROTO', 'OUT_OF_MEM'])(
    '%s stays a retriable CONNECT_FAILED',
    async (code) => {
      const transport = createWebSocketTransport({
        url: 'wss://api.openai.test/v1/realtime',
        WebSocket: failingWith(code),
      });
      track(transport);
      const error = await startError(transport);
      expect(error).toMatchObject({ code: 'CONNECT_FAILED', fatal: false, retriable: true });
    },
  );
});
