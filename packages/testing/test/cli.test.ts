import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { connect as connectTcp, createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loggingWebhookFetch, startupErrorMessage } from '../src/cli.js';
import { CLI_STOP_CLOSE_REASON, CLI_STOP_GRACE_MS } from '../src/cli-stop.js';
import { closedPort, WERIFT_VERSION } from '../src/ws/index.js';
import { weriftClient } from './werift-client.js';
import { handshake } from './ws-helpers.js';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(pkg, 'bin', 'voxwire-fake-server.mjs');

// the shipped bin is a committed shim over dist/cli.mjs, which imports the built protocol
// package too: a `vitest run` in this package alone (no turbo build) may find neither
function buildOnce(): void {
  const protocol = join(pkg, 'node_modules', '@voxwire', 'protocol');
  if (!existsSync(join(protocol, 'dist', 'index.mjs')))
    execFileSync('pnpm', ['exec', 'tsup'], { cwd: protocol, stdio: 'ignore' });
  if (!existsSync(join(pkg, 'dist', 'cli.mjs')))
    execFileSync('pnpm', ['exec', 'tsup'], { cwd: pkg, stdio: 'ignore' });
}

/** Runs the CLI; `lines` yields its stdout lines as they come, `exit` its exit code. */
function runCli(args: string[], nodeArgs: string[] = []) {
  buildOnce();
  const child = spawn(process.execPath, [...nodeArgs, bin, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  const reader = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  // a CLI that dies before printing fails the test at once, with its stderr
  const line = async () => {
    const next = await Promise.race([
      reader.next(),
      exit.then((code) => {
        throw new Error(`the CLI exited (${code}) before printing a line:\n${stderr}`);
      }),
    ]);
    return next.value as string;
  };
  return { child, line, exit, stderr: () => stderr };
}

describe('voxwire-fake-server CLI', () => {
  it('prints the base URL as the first stdout line, serves the demo agent, stops on SIGTERM', async () => {
    buildOnce();
    const child = spawn(process.execPath, [bin, '--port', '0', '--models', 'gpt-realtime'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    // a CLI that dies before printing fails the test at once, with its stderr, instead of
    // leaving it to wait for a line that never comes
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) =>
        reject(new Error(`the CLI exited (${code}) before printing its URL:\n${stderr}`)),
      );
    });
    expect(firstLine).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v1$/);
    const r = await handshake(`${firstLine}/realtime?model=gpt-realtime`, {
      headers: { Authorization: 'Bearer anything' },
    });
    expect(r.frames[0].type).toBe('session.created');
    // a salt of this process ends its ids (a restarted CLI does not repeat them)
    expect(r.frames[0].session.id).toMatch(/^sess_0001_[a-z0-9]{9,}$/);
    r.ws?.close();
    // --models reaches the server: another model is refused as the real API refuses it
    const refused = await handshake(`${firstLine}/realtime?model=gpt-nope`, {
      headers: { Authorization: 'Bearer anything' },
    });
    expect(refused.frames[0].error.code).toBe('invalid_model');
    expect(refused.close).toEqual({ code: 4000, reason: 'invalid_request_error.invalid_model' });
    // the mint endpoint is served with no flag, and its secret opens a session
    const mint = await fetch(`${firstLine.replace(/^ws/, 'http')}/realtime/client_secrets`, {
      method: 'POST',
      headers: { authorization: 'Bearer anything' },
      body: JSON.stringify({ session: { type: 'realtime', instructions: 'From the CLI.' } }),
    });
    expect(mint.status).toBe(200);
    const { value } = (await mint.json()) as { value: string };
    const minted = await handshake(`${firstLine}/realtime?model=gpt-realtime`, {
      headers: { Authorization: `Bearer ${value}` },
    });
    expect(minted.frames[0].session.instructions).toBe('From the CLI.');
    minted.ws?.close();
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  }, 60_000); // a generous ceiling: the first run may build dist

  it('--webrtc: prints the calls URL second and answers a real offer there with 201', async () => {
    const cli = runCli(['--port', '0', '--api-key', 'sk-cli', '--webrtc']);
    const browser = await weriftClient();
    try {
      const url = await cli.line();
      expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v1$/);
      const callsUrl = await cli.line();
      expect(callsUrl).toBe(`${url.replace(/^ws/, 'http')}/realtime/calls`);
      const res = await fetch(callsUrl, {
        method: 'POST',
        body: browser.sdp,
        headers: { 'content-type': 'application/sdp', authorization: 'Bearer sk-cli' },
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toMatch(/^\/v1\/realtime\/calls\/rtc_/);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      await browser.pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
      await browser.opened; // session.created on the data channel
      expect(cli.stderr()).toContain(`WebRTC calls at ${callsUrl}`);
    } finally {
      await browser.pc.close();
      cli.child.kill('SIGTERM');
    }
    expect(await cli.exit).toBe(0);
  }, 60_000);

  it('without --webrtc the calls path is not served', async () => {
    const cli = runCli(['--port', '0']);
    try {
      const url = await cli.line();
      const res = await fetch(`${url.replace(/^ws/, 'http')}/realtime/calls`, {
        method: 'POST',
        body: 'v=0',
        headers: { authorization: 'Bearer sk-x' },
      });
      expect(res.status).toBe(426);
    } finally {
      cli.child.kill('SIGTERM');
    }
    expect(await cli.exit).toBe(0);
  }, 60_000);

  it('--webrtc without werift: exits 1 naming the version to install, no stack', async () => {
    // a resolve hook that makes `werift` unresolvable, as in a project that never installed it
    const hook = `data:text/javascript,${encodeURIComponent(
      `export async function resolve(specifier, context, next) {
        if (specifier === 'werift' || specifier.startsWith('werift/'))
          throw Object.assign(new Error("Cannot find package 'werift'"), { code: 'ERR_MODULE_NOT_FOUND' });
        return next(specifier, context);
      }`,
    )}`;
    const register = `data:text/javascript,${encodeURIComponent(
      `import { register } from 'node:module'; register(${JSON.stringify(hook)});`,
    )}`;
    const cli = runCli(['--port', '0', '--webrtc'], ['--import', register]);
    expect(await cli.exit).toBe(1);
    expect(cli.stderr()).toBe(
      `voxwire-fake-server: --webrtc needs the optional peer dependency werift, which could not be imported: install werift@${WERIFT_VERSION} (npm i -D werift@${WERIFT_VERSION})\n`,
    );
  }, 60_000);

  it('--webhook-url: the last stdout line places a SIP call whose signed webhook reaches the app, which accepts and joins it', async () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    let resolveHook: (hook: { headers: Record<string, unknown>; body: string }) => void = () => {};
    const hook = new Promise<{ headers: Record<string, unknown>; body: string }>(
      (r) => (resolveHook = r),
    );
    const app = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        resolveHook({ headers: req.headers, body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', () => r()));
    const hookUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/hooks`;
    const cli = runCli([
      '--port',
      '0',
      '--api-key',
      'sk-cli',
      '--webhook-url',
      hookUrl,
      '--webhook-secret',
      secret,
    ]);
    try {
      const url = await cli.line();
      const sipUrl = await cli.line();
      expect(sipUrl).toBe(`${url.replace(/^ws/, 'http').replace(/\/v1$/, '')}/fake/sip/incoming`);
      const placed = await fetch(sipUrl, {
        method: 'POST',
        body: JSON.stringify({ from: 'sip:+1555@x.example' }),
      });
      expect(placed.status).toBe(201);
      const { call_id: callId, webhook_delivery: delivery } = (await placed.json()) as {
        call_id: string;
        webhook_delivery: unknown;
      };
      // the answer waited for the delivery, and says how the app answered it
      expect(delivery).toEqual({ state: 'delivered', status: 200 });
      const delivered = await hook;
      const mac = createHmac('sha256', Buffer.from(secret.slice(6), 'base64'))
        .update(
          `${String(delivered.headers['webhook-id'])}.${String(delivered.headers['webhook-timestamp'])}.${delivered.body}`,
        )
        .digest('base64');
      expect(delivered.headers['webhook-signature']).toBe(`v1,${mac}`);
      expect(JSON.parse(delivered.body).data.call_id).toBe(callId);
      const accept = await fetch(`${url.replace(/^ws/, 'http')}/realtime/calls/${callId}/accept`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk-cli', 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'realtime', instructions: 'From the webhook.' }),
      });
      expect(accept.status).toBe(200);
      const side = await handshake(`${url}/realtime?call_id=${callId}`, {
        headers: { Authorization: 'Bearer sk-cli' },
      });
      expect(side.frames[0].session.instructions).toBe('From the webhook.');
      side.ws?.close();
      expect(cli.stderr()).toContain(`POST ${sipUrl} places a SIP call`);
    } finally {
      cli.child.kill('SIGTERM');
      await new Promise<void>((r) => app.close(() => r()));
    }
    expect(await cli.exit).toBe(0);
  }, 60_000);

  it.each([
    ['0.0.0.0', /^ws:\/\/127\.0\.0\.1:\d+\/v1$/],
    ['::', /^ws:\/\/\[::1\]:\d+\/v1$/],
  ])(
    '--host %s: the first stdout line is the loopback URL a client here connects to; stderr says other hosts are served',
    async (host, url) => {
      const cli = runCli(['--port', '0', '--host', host]);
      try {
        const first = await cli.line();
        expect(first).toMatch(url);
        const r = await handshake(`${first}/realtime?model=gpt-realtime`, {
          headers: { Authorization: 'Bearer anything' },
        });
        expect(r.frames[0].type).toBe('session.created');
        r.ws?.close();
        expect(cli.stderr()).toContain(
          `voxwire-fake-server: listening on every interface (--host ${host}); `,
        );
        expect(cli.stderr()).toMatch(/other hosts use one of its addresses/);
      } finally {
        cli.child.kill('SIGTERM');
      }
      expect(await cli.exit).toBe(0);
    },
    60_000,
  );

  it('a port in use or a --host that does not resolve: one line on stderr, exit 1, no stack', async () => {
    const taken = createTcpServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    const port = (taken.address() as AddressInfo).port;
    try {
      const inUse = runCli(['--port', String(port)]);
      expect(await inUse.exit).toBe(1);
      expect(inUse.stderr()).toBe(
        `voxwire-fake-server: cannot listen on 127.0.0.1:${port}: the port is in use (EADDRINUSE); stop what listens there or pick another --port (--port 0 picks a free one)\n`,
      );
    } finally {
      await new Promise<void>((r) => taken.close(() => r()));
    }
    const unknown = runCli(['--port', '0', '--host', 'no-such-host.invalid']);
    expect(await unknown.exit).toBe(1);
    expect(unknown.stderr()).toMatch(
      /^voxwire-fake-server: cannot listen on no-such-host\.invalid:0: --host 'no-such-host\.invalid' does not resolve \((ENOTFOUND|EAI_AGAIN|EAI_NONAME)\); give an address of this machine [^\n]*\n$/,
    );
    // a URL's spelling of an IPv6 address says how to give it
    expect(
      startupErrorMessage(
        Object.assign(new Error('getaddrinfo ENOTFOUND [::]'), {
          code: 'ENOTFOUND',
          syscall: 'getaddrinfo',
        }),
        { host: '[::]', port: 8080 },
      ),
    ).toBe(
      "voxwire-fake-server: cannot listen on [::]:8080: --host '[::]' does not resolve (ENOTFOUND); give an IPv6 address without brackets (--host ::)",
    );
    // an error of another kind is no listen error: the CLI prints it with its stack
    expect(startupErrorMessage(new Error('boom'), { host: '127.0.0.1', port: 0 })).toBeUndefined();
  }, 60_000);

  it('--webhook-url to an app that is down: POST /fake/sip/incoming says the delivery failed, and so does stderr', async () => {
    const down = `http://127.0.0.1:${await closedPort()}/hooks`;
    const cli = runCli([
      '--port',
      '0',
      '--webhook-url',
      down,
      '--webhook-secret',
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    ]);
    try {
      await cli.line();
      const sipUrl = await cli.line();
      const placed = await fetch(sipUrl, { method: 'POST' });
      // the call was placed (it rings, as an in-process one whose delivery failed)
      expect(placed.status).toBe(201);
      const body = (await placed.json()) as { call_id: string; webhook_delivery: unknown };
      expect(body.webhook_delivery).toEqual({
        state: 'failed',
        error: expect.stringMatching(/^fetch failed \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)$/),
      });
      expect(cli.stderr()).toContain(
        `voxwire-fake-server: the webhook of SIP call ${body.call_id} could not be delivered to ${down}: fetch failed (connect ECONNREFUSED`,
      );
    } finally {
      cli.child.kill('SIGTERM');
    }
    expect(await cli.exit).toBe(0);
  }, 60_000);

  it("the CLI's webhook fetch logs an answer other than 2xx and passes it on as it came", async () => {
    const app = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(req.url === '/ok' ? 204 : 500).end());
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', () => r()));
    const origin = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    const lines: string[] = [];
    const init = {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: { call_id: 'rtc_7' } }),
    };
    try {
      const post = loggingWebhookFetch(`${origin}/hooks`, (line) => lines.push(line));
      expect((await post(`${origin}/hooks`, init)).status).toBe(500);
      expect(
        (await loggingWebhookFetch(`${origin}/ok`, (l) => lines.push(l))(`${origin}/ok`, init))
          .status,
      ).toBe(204);
    } finally {
      await new Promise<void>((r) => app.close(() => r()));
    }
    expect(lines).toEqual([
      `voxwire-fake-server: the webhook of SIP call rtc_7 was answered 500 by ${origin}/hooks`,
    ]);
  });

  it('SIGTERM and SIGINT close each client socket with 1001 and a reason, then exit 0', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const cli = runCli(['--port', '0']);
      const url = await cli.line();
      const clients = [0, 1].map(
        () =>
          new WebSocket(`${url}/realtime?model=gpt-realtime`, {
            headers: { Authorization: 'Bearer anything' },
          }),
      );
      // session.created: the server has each as a connection
      await Promise.all(clients.map((ws) => once(ws, 'message')));
      const closes = clients.map((ws) => once(ws, 'close'));
      cli.child.kill(signal);
      for (const [code, reason] of await Promise.all(closes)) {
        expect(code).toBe(1001);
        expect(String(reason)).toBe(CLI_STOP_CLOSE_REASON);
      }
      expect(await cli.exit).toBe(0);
      expect(cli.stderr()).toContain(`${signal}, stopping`);
    }
  }, 60_000);

  it('a client that never answers the close frame is cut after the grace: stopping does not hang', async () => {
    const cli = runCli(['--port', '0']);
    const { port } = new URL(await cli.line());
    // a raw peer: it completes the handshake, then reads and never writes (ws would answer)
    const socket = connectTcp(Number(port), '127.0.0.1');
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    await once(socket, 'connect');
    socket.write(
      'GET /v1/realtime?model=gpt-realtime HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
        'Authorization: Bearer anything\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    while (!received.includes('session.created')) await once(socket, 'data');
    const gone = once(socket, 'close');
    const stoppedAt = Date.now();
    cli.child.kill('SIGTERM');
    expect(await cli.exit).toBe(0);
    await gone;
    // within the grace and a margin, not ws's own 30 s wait for the answer
    expect(Date.now() - stoppedAt).toBeLessThan(CLI_STOP_GRACE_MS + 10_000);
    // the close frame came all the same: FIN + close opcode, its length, then code 1001
    const reason = Buffer.from(CLI_STOP_CLOSE_REASON);
    const frame = Buffer.concat([Buffer.from([0x88, 2 + reason.length, 0x03, 0xe9]), reason]);
    expect(received.includes(frame)).toBe(true);
  }, 60_000);
});
