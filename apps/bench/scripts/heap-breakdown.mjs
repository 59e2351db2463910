// What a session keeps after its response, by kind of object (PROFILE.md round 8): opens N paced
// sessions of one client as the bench's concurrency workload does, streams one response to each,
// collects twice, and diffs a heap snapshot taken then against one taken before the first
// session. Prints the top rows by bytes per session (self size, grouped by node type and name).
//   node --expose-gc scripts/heap-breakdown.mjs voxwire 200 [rows=40]
// (after `pnpm --filter @voxwire/bench build`). Clients: the names of src/clients/registry.ts.
import { getHeapSnapshot } from 'node:v8';
import { pacedSessions } from './paced-sessions.mjs';

const [client = 'voxwire', count = '200', rowsArg = '40'] = process.argv.slice(2);
const sessions = Number(count);
const probe = await pacedSessions(client);

/** Self size and count per `type:name` of a heap snapshot. */
async function breakdown() {
  globalThis.gc();
  globalThis.gc();
  const chunks = [];
  for await (const chunk of getHeapSnapshot()) chunks.push(chunk);
  const snap = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const totals = new Map();
  const { nodes, strings } = snap;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt]];
    let name = strings[nodes[i + nameAt]];
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') name = '';
    if (type === 'number') name = '';
    const key = `${type}:${name.slice(0, 60)}`;
    const row = totals.get(key) ?? { bytes: 0, count: 0 };
    row.bytes += nodes[i + sizeAt];
    row.count++;
    totals.set(key, row);
  }
  if (process.env.OWNERS) attributeOwners(snap, totals);
  return totals;
}

/**
 * OWNERS=1: charge every node to the nearest named owner up one retainer chain (the first
 * non-weak retainer at each step) and count `owner.edge → type:name` rows, so plain objects,
 * arrays, closures and strings show which class keeps them.
 */
function attributeOwners(snap, totals) {
  const meta = snap.snapshot.meta;
  const width = meta.node_fields.length;
  const edgeWidth = meta.edge_fields.length;
  const types = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const { nodes, edges, strings } = snap;
  const count = nodes.length / width;
  const retainer = new Int32Array(count).fill(-1);
  const retainerEdge = new Array(count);
  const typeAt = meta.node_fields.indexOf('type');
  const nameAt = meta.node_fields.indexOf('name');
  const edgeCountAt = meta.node_fields.indexOf('edge_count');
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) =>
    meta.edge_fields.indexOf(f),
  );
  let e = 0;
  for (let n = 0; n < count; n++) {
    const edgesOf = nodes[n * width + edgeCountAt];
    for (let k = 0; k < edgesOf; k++, e += edgeWidth) {
      const kind = edgeTypes[edges[e + eType]];
      if (kind === 'weak' || kind === 'shortcut') continue;
      const to = edges[e + eTo] / width;
      if (retainer[to] !== -1) continue;
      retainer[to] = n;
      retainerEdge[to] =
        kind === 'element' || kind === 'hidden' ? `[${kind}]` : String(strings[edges[e + eName]]);
    }
  }
  const named = (n) => {
    const type = types[nodes[n * width + typeAt]];
    const name = strings[nodes[n * width + nameAt]];
    return (
      type === 'object' &&
      !['Object', 'Array', 'system / Context', 'Map', 'Set', 'Promise'].includes(name) &&
      !name.startsWith('system')
    );
  };
  const sizeAt = meta.node_fields.indexOf('self_size');
  const owners = new Map();
  for (let n = 0; n < count; n++) {
    let at = n;
    let path = '';
    for (let hop = 0; hop < 400 && retainer[at] !== -1; hop++) {
      // a rope's links say nothing: climb through them to whatever holds the rope
      const edge = retainerEdge[at];
      if (!(hop > 0 && (edge === 'first' || edge === 'second')))
        path = edge + (path ? '.' + path : '');
      if (hop > 8 && types[nodes[at * width + typeAt]] !== 'concatenated string') break;
      at = retainer[at];
      if (named(at)) break;
    }
    const key = `${strings[nodes[at * width + nameAt]].slice(0, 30)} .${path.slice(0, 70)} → ${types[nodes[n * width + typeAt]]}:${strings[nodes[n * width + nameAt]].slice(0, 20)}`;
    const row = owners.get(key) ?? { bytes: 0, count: 0 };
    row.bytes += nodes[n * width + sizeAt];
    row.count++;
    owners.set(key, row);
  }
  totals.owners = owners;
}

const before = await breakdown();
await probe.open(sessions);
await probe.pace();
await new Promise((resolve) => setTimeout(resolve, 500));
const after = await breakdown();
const rows = [];
let total = 0;
for (const [key, row] of after) {
  const base = before.get(key) ?? { bytes: 0, count: 0 };
  const bytes = (row.bytes - base.bytes) / sessions;
  const count = (row.count - base.count) / sessions;
  total += bytes;
  rows.push({ key, bytes, count });
}
rows.sort((a, b) => b.bytes - a.bytes);
console.log(
  `${client}: ${(total / 1024).toFixed(2)} KiB per session kept (self sizes, ${sessions} sessions)`,
);
for (const row of rows.slice(0, Number(rowsArg)))
  console.log(
    `${row.bytes.toFixed(0).padStart(7)} B  ${row.count.toFixed(2).padStart(7)}×  ${row.key}`,
  );
if (after.owners) {
  const rows = [];
  for (const [key, row] of after.owners) {
    const base = before.owners.get(key) ?? { bytes: 0, count: 0 };
    rows.push({
      key,
      bytes: (row.bytes - base.bytes) / sessions,
      count: (row.count - base.count) / sessions,
    });
  }
  rows.sort((a, b) => b.bytes - a.bytes);
  console.log('by owner:');
  for (const row of rows.slice(0, Number(process.env.OWNERS) > 1 ? Number(process.env.OWNERS) : 80))
    console.log(
      `${row.bytes.toFixed(0).padStart(7)} B  ${row.count.toFixed(2).padStart(7)}×  ${row.key}`,
    );
}
await probe.stop();
process.exit(0);
