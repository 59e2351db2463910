// scratch: CPU per append in one process, no sockets (floor vs voxwire)
const core = await import('@voxwire/core');
const N = 20000, ROUNDS = 5;
const pcm = new Int16Array(480); for (let i = 0; i < pcm.length; i++) pcm[i] = (i * 37) & 0x7fff;
let sent = 0, bytes = 0;
const floor = () => (p) => { const s = JSON.stringify({ type: 'input_audio_buffer.append', audio: Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString('base64') }); sent++; bytes += Buffer.byteLength(s); };
async function voxwire() {
  let onmessage;
  const transport = { start: () => Promise.resolve(), send: (f) => { sent++; bytes += Buffer.byteLength(f); }, close: () => Promise.resolve(), get bufferedAmount() { return 0; }, get onmessage() { return onmessage; }, set onmessage(h) { onmessage = h; } };
  const session = new core.RealtimeModel({ connector: () => Promise.resolve({ transport, dialect: 'ga' }) }).session();
  for (let i = 0; i < 5 && !onmessage; i++) await new Promise((r) => setImmediate(r));
  onmessage(JSON.stringify({ type: 'session.created', event_id: 'ev_created', session: { type: 'realtime', id: 'sess_1', object: 'realtime.session' } }));
  await new Promise((r) => setImmediate(r));
  return (p) => session.inputAudioBuffer.append({ data: p, sampleRate: 24000, channels: 1 });
}
const clients = { floor: floor(), voxwire: await voxwire() };
const res = { floor: [], voxwire: [] };
for (let r = 0; r < ROUNDS + 1; r++) for (const [name, send] of (r % 2 ? Object.entries(clients).reverse() : Object.entries(clients))) {
  global.gc?.();
  const c0 = process.cpuUsage();
  for (let i = 0; i < N; i += 50) { for (let k = 0; k < 50; k++) send(pcm); await new Promise((r) => setImmediate(r)); }
  const c = process.cpuUsage(c0); if (r > 0) res[name].push((c.user + c.system) / N);
}
for (const [k, v] of Object.entries(res)) { v.sort((a, b) => a - b); console.log(k.padEnd(8), v[v.length >> 1].toFixed(2), 'µs/frame', v.map((x) => x.toFixed(2)).join(' ')); }
console.log('sent', sent);
