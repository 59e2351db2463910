/** A minimal ws-backed Transport for the contract suite, and handshake helpers (events only, no sleeps). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { Transport } from '@voxwire/protocol';
import { deferred } from '../src/index.js';

export function wsTransport(
  url: string,
  options: WebSocket.ClientOptions = {},
  protocols: string[] = ['realtime'],
): Transport {
  let ws: WebSocket | undefined;
  let closed: Promise<void> | undefined;
  const t: Transport = {
    start: () =>
      new Promise<void>((resolve, reject) => {
        ws = new WebSocket(url, protocols, options);
        ws.on('message', (data, isBinary) =>
          t.onmessage?.(
            isBinary ? new Uint8Array(data as Buffer) : (data as Buffer).toString('utf8'),
          ),
        );
        closed = new Promise((r) =>
          ws!.once('close', (code, reason) => (t.onclose?.(code, reason.toString()), r())),
        );
        ws.once('open', () => resolve());
        ws.once('error', reject);
      }),
    send: (frame) => {
      if (!ws || ws.readyState !== WebSocket.OPEN) throw new Error('not open');
      ws.send(frame);
    },
    close: async (code = 1000, reason = '') => {
      if (ws && ws.readyState === WebSocket.OPEN) ws.close(code, reason);
      await closed;
    },
  };
  return t;
}

/** Opens a raw socket and collects frames until close. */
export function handshake(
  url: string,
  options: WebSocket.ClientOptions = {},
  protocols: string[] = [],
): Promise<{
  status?: number;
  frames: any[];
  close?: { code: number; reason: string };
  ws?: WebSocket;
}> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, protocols, options);
    const frames: any[] = [];
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, frames });
      res.resume();
    });
    ws.on('error', () => undefined);
    ws.on('message', (d) => {
      frames.push(JSON.parse(d.toString()));
      if (frames.length === 1 && frames[0].type === 'session.created') resolve({ frames, ws });
    });
    ws.on('close', (code, reason) =>
      resolve({ frames, close: { code, reason: reason.toString() } }),
    );
  });
}

/** A self-signed certificate for 127.0.0.1, made with openssl at test time. */
export function testCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'voxwire-cert-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'k.pem'),
      '-out',
      join(dir, 'c.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return {
    key: readFileSync(join(dir, 'k.pem'), 'utf8'),
    cert: readFileSync(join(dir, 'c.pem'), 'utf8'),
  };
}

/** A client socket and the frames it got; `next(type)` resolves with the first frame of that type. */
export function frameSocket(url: string, headers: Record<string, string>) {
  const ws = new WebSocket(url, { headers });
  const frames: any[] = [];
  const waiters: { type: string; resolve: (frame: any) => void }[] = [];
  const closed = deferred<{ code: number; reason: string }>();
  ws.on('error', () => undefined);
  ws.on('message', (data) => {
    const frame = JSON.parse((data as Buffer).toString());
    frames.push(frame);
    for (const w of waiters.splice(0)) {
      if (w.type === frame.type) w.resolve(frame);
      else waiters.push(w);
    }
  });
  ws.on('close', (code, reason) => closed.resolve({ code, reason: reason.toString() }));
  const next = (type: string) => {
    const seen = frames.find((f) => f.type === type);
    return seen
      ? Promise.resolve(seen)
      : new Promise<any>((resolve) => waiters.push({ type, resolve }));
  };
  return { ws, frames, next, closed: closed.promise };
}
