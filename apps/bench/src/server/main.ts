/**
 * The load server process: `ws` on 127.0.0.1, one `LoadConnection` per socket, commands from the
 * orchestrator over IPC. It never compresses its frames (permessage-deflate off, so no client pays
 * for inflate; `BENCH_SERVER_DEFLATE=1` accepts it without using it) and sends pre-serialised
 * Buffers as text frames.
 * @module
 */
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { wallNow, type ServerCommand, type ServerReply } from '../ipc.js';
import { buildResponse } from '../wire/events.js';
import { LoadConnection, parseTag } from './connection.js';
import { framePaced, Pacer, type PacedSession } from './pacer.js';

/**
 * The TCP socket under a `ws` connection. `ws` has no public accessor; the load server writes
 * pre-framed bytes there (see `wire/frame.ts`). Safe because the server never compresses, so `ws`
 * itself writes each frame synchronously and never holds one back that ours could overtake.
 */
function rawSocket(socket: WebSocket): Socket {
  const raw = (socket as unknown as { _socket?: Socket })._socket;
  if (!raw) throw new Error('ws connection has no underlying socket (ws internals changed?)');
  return raw;
}

const reply = (message: ServerReply): void => {
  process.send?.(message);
};

const deltasPerResponse = Number(process.env.BENCH_DELTAS ?? 100);
/** Delay of session.created after the upgrade, ms. */
const SESSION_CREATED_DELAY_MS = 3;
const paced = new Map<number, { conn: LoadConnection; raw: Socket }>();
let expectUpstream: number | undefined;

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  // BENCH_SERVER_DEFLATE=1 (scripts/voice-sessions.mjs): accept permessage-deflate as the Realtime
  // API does, but never compress our own frames (so the raw writes above stay valid: a frame
  // without RSV1 is uncompressed), so a client that offers it pays for deflating its appends
  perMessageDeflate: process.env.BENCH_SERVER_DEFLATE === '1' ? { threshold: Infinity } : false,
  maxPayload: 16 * 1024 * 1024,
});

wss.on('connection', (socket, request) => {
  const tag = parseTag(request.url);
  const raw = rawSocket(socket);
  const conn = new LoadConnection({
    tag,
    send: (text) => socket.send(text),
    write: (bytes) => {
      raw.write(bytes);
    },
    deltasPerResponse,
    onAppend: (totals) => {
      if (expectUpstream !== undefined && totals.bytes >= expectUpstream) {
        expectUpstream = undefined;
        reply({
          type: 'upstream-complete',
          at: wallNow(),
          appends: totals.appends,
          bytes: totals.bytes,
        });
      }
    },
  });
  if (tag.mode === 'pace') paced.set(tag.index, { conn, raw });
  socket.on('message', (data, isBinary) => {
    if (isBinary) conn.invalidFrames++;
    else conn.receive(data.toString());
  });
  socket.on('close', () => {
    if (paced.get(tag.index)?.conn === conn) paced.delete(tag.index);
  });
  socket.on('error', () => socket.terminate());
  // The GA server speaks 2.6–5.7 ms after the 101 (protocol.md §7.1). Sending at once would put
  // session.created in the same TCP read as the handshake, and a client that attaches its message
  // handler only after awaiting `open` (livekit's plugin does) would never see it.
  setTimeout(() => {
    if (socket.readyState === socket.OPEN) conn.open();
  }, SESSION_CREATED_DELAY_MS);
});

function startPace(cmd: Extract<ServerCommand, { cmd: 'pace' }>): void {
  const sessions: PacedSession[] = [];
  for (let i = 0; i < cmd.sessions; i++) {
    const entry = paced.get(i);
    if (!entry) {
      reply({
        type: 'server-error',
        message: `pace: session ${i} of ${cmd.sessions} is not connected (${paced.size} paced connections)`,
      });
      return;
    }
    const { raw } = entry;
    sessions.push({
      write: (bytes) => {
        raw.write(bytes);
      },
    });
  }
  // One response for all paced sessions, with ids of its own (`resp_pace`…) so they cannot clash
  // with anything a connection did before.
  let eventCounter = 0;
  const frames = framePaced(
    buildResponse(
      {
        responseId: 'resp_pace',
        itemId: 'item_pace',
        previousItemId: null,
        deltas: cmd.chunks,
        metadata: null,
      },
      () => `event_pace_${++eventCounter}`,
    ),
  );
  const pacer = new Pacer(sessions, frames, {
    t0: cmd.t0,
    periodMs: cmd.periodMs,
    chunks: cmd.chunks,
  });
  reply({ type: 'pace-started', sessions: sessions.length });
  const step = (): void => {
    pacer.tick(wallNow());
    const next = pacer.nextDue;
    if (next === undefined) {
      reply({ type: 'pace-done', report: pacer.report() });
      return;
    }
    setTimeout(step, Math.max(0, next - wallNow()));
  };
  setTimeout(step, Math.max(0, cmd.t0 - wallNow()));
}

process.on('message', (message: ServerCommand) => {
  switch (message.cmd) {
    case 'expect-upstream':
      expectUpstream = message.bytes;
      return;
    case 'pace':
      startPace(message);
      return;
    case 'stop':
      for (const client of wss.clients) client.terminate();
      wss.close(() => process.exit(0));
      return;
  }
});

wss.on('listening', () => {
  const address = wss.address();
  if (typeof address === 'object' && address !== null)
    reply({ type: 'listening', port: address.port });
});
// The orchestrator owns this process: if it goes away, so do we.
process.on('disconnect', () => process.exit(0));
