import { fork } from 'node:child_process';
const srv = fork('dist/server.mjs', [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const port = await new Promise((r) => srv.once('message', (m) => r(m.port)));
srv.send({ cmd: 'expect-upstream', bytes: 2000 * 960 });
const job = {
  workload: 'upstream',
  client: 'livekit',
  server: { host: '127.0.0.1', port },
  frames: 2000,
  batch: 50,
};
const w = fork('dist/worker.mjs', [JSON.stringify(job)], {
  stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
});
w.stderr.on('data', (d) => process.stdout.write('ERR ' + d));
srv.on('message', (m) => {
  console.log('server', m);
  w.send(m);
});
w.on('message', (m) => console.log('worker', JSON.stringify(m)));
w.on('exit', () => {
  srv.kill();
});
setTimeout(() => {
  w.kill();
  srv.kill();
}, 20000);
