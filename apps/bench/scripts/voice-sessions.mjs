// Voice-agent sessions as they run against the Realtime API (PROFILE.md round 14): the load server
// accepts permessage-deflate as the API does (BENCH_SERVER_DEFLATE=1; its own frames stay
// uncompressed), and every session both receives the bench's paced audio (50 × 100 ms) and appends
// a 20 ms microphone frame every 20 ms through its library's own call, for as long as the audio
// lasts. Each client runs as the application would leave it (its defaults), one process per client
// and repetition, alternating order. `voxwire-deflate` is voxwire with compression offered, as it
// was before round 14; `voxwire-no-replay` keeps no microphone tail for a reconnect
// (`reconnect.replayUncommittedAudioMs: 0`). Prints RSS per session (peak − before the first session ÷ sessions) and CPU.
//   node --expose-gc scripts/voice-sessions.mjs [sessions=500] [repetitions=2] [clients=…]
// (after `pnpm --filter @voxwire/bench build`).
import { fork } from 'node:child_process';
import { pacedSessions } from './paced-sessions.mjs';

const [role, ...rest] = process.argv.slice(2);

if (role === 'one') {
  const [client, count] = rest;
  process.env.BENCH_SERVER_DEFLATE = '1';
  if (client === 'voxwire-deflate') process.env.BENCH_VOXWIRE_DEFLATE = '1';
  if (client === 'voxwire-no-replay') process.env.BENCH_VOXWIRE_REPLAY_MS = '0';
  const probe = await pacedSessions(client.startsWith('voxwire-') ? 'voxwire' : client);
  globalThis.gc();
  const before = process.memoryUsage().rss;
  const sessions = await probe.open(Number(count));
  const frame = new Int16Array(480).map((_, i) => Math.round(6000 * Math.sin(i / 7)));
  let peak = 0;
  let appended = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const microphone = setInterval(() => {
    for (const session of sessions) session.appendFrame(frame);
    appended += sessions.length;
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  await probe.pace();
  clearInterval(microphone);
  const used = process.cpuUsage(cpu);
  const elapsed = performance.now() - start;
  process.send({
    rssPerSessionKiB: (peak - before) / 1024 / sessions.length,
    cpuPercent: ((used.user + used.system) / 1000 / elapsed) * 100,
    appended,
  });
  await probe.stop();
  process.exit(0);
} else {
  const [count = '500', repetitions = '2', list] = [role, ...rest];
  const clients = (
    list ?? 'floor,voxwire,voxwire-deflate,openai-ws,agents-transport,agents-session,livekit'
  ).split(',');
  const run = (client) =>
    new Promise((resolve, reject) => {
      const child = fork(new URL(import.meta.url), ['one', client, count], {
        execArgv: ['--expose-gc'],
      });
      child.once('message', resolve);
      child.once(
        'exit',
        (code) => code !== 0 && reject(new Error(`${client} exited with ${code}`)),
      );
    });
  const results = new Map(clients.map((c) => [c, []]));
  for (let r = 0; r < Number(repetitions); r++) {
    const order = r % 2 === 0 ? clients : [...clients].reverse();
    for (const client of order) results.get(client).push(await run(client));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const voxwire = median(results.get('voxwire')?.map((r) => r.rssPerSessionKiB) ?? [NaN]);
  console.log(
    `${count} voice sessions, ${repetitions} repetitions (medians; every repetition in brackets)`,
  );
  console.log('| client | RSS/session KiB | voxwire ÷ client | CPU % |');
  console.log('| --- | --- | --- | --- |');
  for (const [client, rs] of results) {
    const rss = rs.map((r) => r.rssPerSessionKiB);
    const cpu = rs.map((r) => r.cpuPercent);
    console.log(
      `| ${client} | ${median(rss).toFixed(0)} [${rss.map((x) => x.toFixed(0)).join(', ')}] | ${(voxwire / median(rss)).toFixed(2)}× | ${median(cpu).toFixed(0)} [${cpu.map((x) => x.toFixed(0)).join(', ')}] |`,
    );
  }
}
