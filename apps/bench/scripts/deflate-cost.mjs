// What permessage-deflate costs a `ws` client, the socket every Node client of the Realtime API
// uses (PROFILE.md round 14). N sockets to a server that accepts compression, as the Realtime API
// does, for S seconds at real time, one process per case:
//   up:   every socket appends a 20 ms frame of 24 kHz PCM16 every 20 ms (a microphone);
//   down: the server sends every socket a 100 ms audio delta every 100 ms, compressed when the
//         client negotiated it (whether the Realtime API compresses its own frames is not known).
// Prints client CPU µs per message, RSS per socket (peak − before ÷ N) and the deflate ratio.
//   node --expose-gc scripts/deflate-cost.mjs [sessions=500] [seconds=5]
import { fork } from 'node:child_process';
import { deflateRawSync } from 'node:zlib';
import { WebSocket, WebSocketServer } from 'ws';

const [role, ...rest] = process.argv.slice(2);

/** Speech-like PCM16: a modulated tone with noise (real speech has silences, which deflate well). */
function pcm(samples) {
  const bytes = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    const noise = Math.random() * 600 - 300;
    bytes.writeInt16LE(Math.round(6000 * Math.sin(i / 7) * Math.sin(i / 900) + noise), i * 2);
  }
  return bytes;
}

if (role === 'server') {
  const [direction] = rest;
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    // ws's default threshold (1 KiB) for our frames in the down case; never in the up case
    perMessageDeflate: { threshold: direction === 'down' ? 1024 : Infinity },
  });
  const delta = JSON.stringify({
    type: 'response.output_audio.delta',
    event_id: 'event_1',
    response_id: 'resp_1',
    item_id: 'item_1',
    output_index: 0,
    content_index: 0,
    delta: pcm(2400).toString('base64'),
  });
  wss.on('connection', (socket) => {
    socket.on('message', () => {});
    if (direction !== 'down') return;
    const timer = setInterval(() => socket.send(delta), 100);
    socket.on('close', () => clearInterval(timer));
  });
  wss.on('listening', () => process.send(wss.address().port));
} else if (role === 'client') {
  const [direction, compression, count, seconds] = rest;
  const server = fork(new URL(import.meta.url), ['server', direction]);
  const port = await new Promise((resolve) => server.once('message', resolve));
  const sessions = Number(count);
  globalThis.gc();
  const before = process.memoryUsage().rss;
  let received = 0;
  const sockets = await Promise.all(
    Array.from(
      { length: sessions },
      () =>
        new Promise((resolve) => {
          const socket = new WebSocket(`ws://127.0.0.1:${port}`, {
            perMessageDeflate: compression === 'on',
          });
          socket.on('message', (data) => {
            received++;
            JSON.parse(data);
          });
          socket.on('open', () => resolve(socket));
        }),
    ),
  );
  const frame = pcm(480).toString('base64');
  const append = (n) =>
    JSON.stringify({ type: 'input_audio_buffer.append', event_id: `event_${n}`, audio: frame });
  received = 0;
  let sent = 0;
  let peak = 0;
  const cpu = process.cpuUsage();
  const start = Date.now();
  await new Promise((done) => {
    const timer = setInterval(() => {
      if (direction === 'up') for (const socket of sockets) socket.send(append(sent++));
      peak = Math.max(peak, process.memoryUsage().rss);
      if (Date.now() - start < Number(seconds) * 1000) return;
      clearInterval(timer);
      done();
    }, 20);
  });
  const used = process.cpuUsage(cpu);
  const messages = direction === 'up' ? sent : received;
  process.send({
    cpuPerMessageUs: (used.user + used.system) / messages,
    rssPerSessionKiB: (peak - before) / 1024 / sessions,
  });
  for (const socket of sockets) socket.terminate();
  server.kill();
  process.exit(0);
} else {
  const [count = '500', seconds = '5'] = [role, ...rest].filter((a) => a !== undefined);
  const run = (direction, compression) =>
    new Promise((resolve, reject) => {
      const child = fork(
        new URL(import.meta.url),
        ['client', direction, compression, count, seconds],
        {
          execArgv: ['--expose-gc'],
        },
      );
      child.once('message', resolve);
      child.once('exit', (code) => code !== 0 && reject(new Error(`client exited with ${code}`)));
    });
  console.log(`${count} sockets, ${seconds} s, two repetitions each, off and on alternating`);
  console.log(
    '| direction | permessage-deflate | CPU µs/message | RSS/socket KiB | on ÷ off CPU | on − off RSS KiB |',
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const direction of ['up', 'down']) {
    for (let repetition = 0; repetition < 2; repetition++) {
      const off = await run(direction, 'off');
      const on = await run(direction, 'on');
      for (const [name, r] of [
        ['off', off],
        ['on', on],
      ])
        console.log(
          `| ${direction} | ${name} | ${r.cpuPerMessageUs.toFixed(1)} | ${r.rssPerSessionKiB.toFixed(0)} | ${name === 'on' ? (on.cpuPerMessageUs / off.cpuPerMessageUs).toFixed(2) + '×' : ''} | ${name === 'on' ? (on.rssPerSessionKiB - off.rssPerSessionKiB).toFixed(0) : ''} |`,
        );
    }
  }
  const sample = JSON.stringify({
    type: 'input_audio_buffer.append',
    event_id: 'event_1',
    audio: pcm(480).toString('base64'),
  });
  const ratio = deflateRawSync(sample).length / sample.length;
  console.log(`deflated size of one append: ${ratio.toFixed(2)} of its bytes`);
}
