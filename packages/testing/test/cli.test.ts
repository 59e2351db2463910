import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { FakeServerOptionsError } from '../src/index.js';
import { CliHelp, loggingWebhookFetch, parseCliArgs, startupErrorMessage } from '../src/cli.js';
import { wildcardNotice } from '../src/cli-listen.js';
import { closedPort, WERIFT_VERSION } from '../src/ws/index.js';
import { wildcardLoopback } from '../src/ws/listen-address.js';
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
  it('parses options and refuses bad ones with a typed error', () => {
    expect(parseCliArgs([])).toMatchObject({
      port: 0,
      host: '127.0.0.1',
      beta: 'accept',
      realtime: false,
    });
    expect(parseCliArgs(['--port', '8123', '--api-key=sk-x', '--beta', 'refuse'])).toMatchObject({
      port: 8123,
      apiKey: 'sk-x',
      beta: 'refuse',
    });
    expect(() => parseCliArgs(['--port', 'abc'])).toThrow(FakeServerOptionsError);
    expect(() => parseCliArgs(['--port'])).toThrow(/needs a value/);
    expect(() => parseCliArgs(['--what'])).toThrow(/unknown option/);
    // a switch: `=false` keeps it off, and anything else is refused
    expect(parseCliArgs(['--realtime']).realtime).toBe(true);
    expect(parseCliArgs(['--realtime=false']).realtime).toBe(false);
    expect(() => parseCliArgs(['--realtime=yes'])).toThrow(FakeServerOptionsError);
    // --models: the names served, comma-separated; any model without it
    expect(parseCliArgs([]).models).toBeUndefined();
    expect(parseCliArgs(['--models', 'gpt-realtime,gpt-realtime-mini']).models).toEqual([
      'gpt-realtime',
      'gpt-realtime-mini',
    ]);
    expect(parseCliArgs(['--models=gpt-realtime, my-dep']).models).toEqual([
      'gpt-realtime',
      'my-dep',
    ]);
    expect(() => parseCliArgs(['--models'])).toThrow(/needs a value/);
    expect(() => parseCliArgs(['--models', 'a,,b'])).toThrow(FakeServerOptionsError);
    expect(() => parseCliArgs(['--models', 'a,'])).toThrow(/--models .*empty/);
    // --webrtc: a switch, off by default
    expect(parseCliArgs([]).webRtc).toBe(false);
    expect(parseCliArgs(['--webrtc']).webRtc).toBe(true);
    expect(parseCliArgs(['--webrtc=false']).webRtc).toBe(false);
    expect(() => parseCliArgs(['--webrtc=on'])).toThrow(/--webrtc takes no value/);
    // --help is no error: the CLI prints it to stdout and exits 0, and documents --webrtc
    expect(() => parseCliArgs(['--help'])).toThrow(CliHelp);
    const help = (() => {
      try {
        parseCliArgs(['--help']);
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(help).toMatch(/\[--webrtc\]/);
    expect(help).toMatch(/--webrtc +also serve WebRTC: POST \/v1\/realtime\/calls/);
    expect(help).toContain(`werift@${WERIFT_VERSION}`);
  });

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

  it('--webhook-url and --webhook-secret: parsed together, the secret checked', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    expect(
      parseCliArgs(['--webhook-url', 'http://127.0.0.1:9/h', '--webhook-secret', secret]).webhook,
    ).toEqual({
      url: 'http://127.0.0.1:9/h',
      secret,
    });
    expect(parseCliArgs([]).webhook).toBeUndefined();
    expect(() => parseCliArgs(['--webhook-url', 'http://127.0.0.1:9/h'])).toThrow(/go together/);
    expect(() => parseCliArgs(['--webhook-secret', secret])).toThrow(FakeServerOptionsError);
    expect(() =>
      parseCliArgs(['--webhook-url', 'http://a.example', '--webhook-secret', 'nope']),
    ).toThrow(/whsec_/);
    expect(() => parseCliArgs(['--help'])).toThrow(/--webhook-url URL --webhook-secret whsec_/);
  });

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

  it('a wildcard host names loopback in the URL, in every spelling; any other host is printed as it is', () => {
    expect(wildcardLoopback('0.0.0.0')).toBe('127.0.0.1');
    expect(wildcardLoopback('::')).toBe('::1');
    expect(wildcardLoopback('0:0:0:0:0:0:0:0')).toBe('::1');
    for (const host of ['127.0.0.1', '::1', '10.0.0.2', 'localhost', '[::]'])
      expect(wildcardLoopback(host)).toBeUndefined();
    expect(wildcardNotice('ws://127.0.0.1:8080/v1', '127.0.0.1', {})).toBeUndefined();
    const eth = (address: string, family: 'IPv4' | 'IPv6') =>
      ({ address, family, internal: false, netmask: '', mac: '', cidr: null }) as never;
    expect(
      wildcardNotice('ws://[::1]:8080/v1', '::', {
        eth0: [eth('192.0.2.2', 'IPv4'), eth('2001:db8::2', 'IPv6'), eth('fe80::1', 'IPv6')],
      }),
    ).toContain('(ws://192.0.2.2:8080/v1, ws://[2001:db8::2]:8080/v1)');
  });

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
});
