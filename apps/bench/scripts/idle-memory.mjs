// Idle retained memory per voxwire session (PROFILE.md round 3): heap used + external after a
// full GC, N sessions opened against the bench's load server, minus a warm baseline of 20.
// usage (after `pnpm exec tsup` here and in packages/core, packages/node):
//   node --expose-gc scripts/idle-memory.mjs per|shared [N=500]
//   per: a RealtimeModel per session (as the bench adapter); shared: one model for all
// SNAP=1 also writes /tmp/voxwire-idle.heapsnapshot.
import { fork } from 'node:child_process';
import * as core from '@voxwire/core';
import * as node from '@voxwire/node';

const shared = process.argv[2] === 'shared';
const N = Number(process.argv[3] ?? 500);
const srv = fork(new URL('../dist/server.mjs', import.meta.url), [], { stdio: 'inherit' });
const port = await new Promise((r) =>
  srv.on('message', (m) => m.type === 'listening' && r(m.port)),
);
const mk = (i) =>
  new core.RealtimeModel({
    connector: node.openaiConnector({
      apiKey: 'bench',
      baseURL: `http://127.0.0.1:${port}/v1`,
      model: `bench.burst.${i}`,
    }),
  });
const sharedModel = mk(0);
const open = async (i) => {
  const s = (shared ? sharedModel : mk(i)).session();
  await new Promise((res, rej) => {
    const off = s.on('server_event', (t) => {
      if (t.kind === 'event' && t.event.type === 'session.created') {
        off();
        res();
      }
    });
    s.on('error', rej);
  });
  s.on('response_content_added', () => {});
  s.on('response_done', () => {});
  return s;
};
const warm = [];
for (let i = 0; i < 20; i++) warm.push(await open(i));
const mem = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};
const m0 = mem();
const all = [];
for (let i = 0; i < N; i += 50)
  all.push(...(await Promise.all(Array.from({ length: 50 }, (_, k) => open(100 + i + k)))));
const m1 = mem();
if (process.env.SNAP) (await import('node:v8')).writeHeapSnapshot('/tmp/voxwire-idle.heapsnapshot');
console.log(
  shared ? 'shared model' : 'model per session',
  N,
  'idle KiB/session',
  ((m1 - m0) / N / 1024).toFixed(1),
);
for (const s of [...warm, ...all]) await s.close();
srv.send({ cmd: 'stop' });
srv.disconnect();
srv.kill();
