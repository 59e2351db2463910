// Time spent inside ws.send for 60 burst responses (PROFILE.md round 3, lead 1): the floor and
// voxwire through the bench adapters, against the bench's load server in another process.
// usage (after `pnpm exec tsup`): node scripts/send-cost.mjs floor|voxwire
import { fork } from 'node:child_process';
import { readdirSync } from 'node:fs';
import WebSocket from 'ws';

const which = process.argv[2] ?? 'voxwire';
const dist = new URL('../dist/', import.meta.url);
const file = readdirSync(dist).find((f) => f.startsWith(`${which}-`) && f.endsWith('.mjs'));
if (!file) throw new Error(`no dist/${which}-*.mjs: build first`);
const srv = fork(new URL('server.mjs', dist), [], { stdio: 'inherit' });
const port = await new Promise((r) =>
  srv.on('message', (m) => m.type === 'listening' && r(m.port)),
);
const orig = WebSocket.prototype.send;
const frames = [];
let spent = 0n;
WebSocket.prototype.send = function (data, options, cb) {
  const t = process.hrtime.bigint();
  frames.push(String(data).slice(0, 120));
  const r = orig.call(this, data, options, cb);
  spent += process.hrtime.bigint() - t;
  return r;
};
const client = await (await import(new URL(file, dist).href)).load();
let chunks = 0;
let done = 0;
let wake;
const s = client.open({ host: '127.0.0.1', port }, 'bench.burst.0', {
  onAudio: () => {
    chunks++;
    wake?.();
  },
  onResponseDone: () => {
    done++;
    wake?.();
  },
});
await s.ready;
for (let i = 1; i <= 60; i++) {
  s.requestResponse();
  while (!(done >= i && chunks >= i * 100)) await new Promise((r) => (wake = r));
}
console.log(which, 'sends', frames.length, 'µs in ws.send', Number(spent) / 1000);
console.log(frames.slice(0, 3));
await s.close();
srv.send({ cmd: 'stop' });
srv.disconnect();
srv.kill();
