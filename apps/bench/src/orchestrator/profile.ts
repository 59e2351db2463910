/**
 * `--cpu-prof` of a client's downstream path, and a summary of where the time went: self time
 * per function, and per owner (voxwire package, valibot, ws, Node internals, GC).
 * @module
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** The parts of a V8 `.cpuprofile` the summary reads. */
export interface CpuProfile {
  readonly nodes: readonly {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Self time of one function. */
export interface HotSpot {
  readonly name: string;
  readonly where: string;
  readonly owner: string;
  readonly selfMs: number;
  readonly share: number;
}

/** A profile summary. */
export interface ProfileSummary {
  readonly totalMs: number;
  readonly byOwner: readonly { owner: string; selfMs: number; share: number }[];
  readonly top: readonly HotSpot[];
}

/** Which code a frame belongs to, from its script URL. */
export function ownerOf(url: string, functionName: string): string {
  if (url === '') {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'V8 / native';
    return 'V8 / native';
  }
  const pkg =
    /\/packages\/(protocol|core|node|testing|azure)\//.exec(url) ??
    /@voxwire\/(protocol|core|node|testing|azure)\//.exec(url);
  if (pkg) return `voxwire ${pkg[1]}`;
  if (url.startsWith('node:')) return 'Node internals';
  const mod = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(
    url.replace(/.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, 'node_modules/'),
  );
  if (mod) return mod[1]!;
  if (url.includes('/apps/bench/')) return 'bench harness';
  return 'other';
}

/** Summarise a profile (idle time excluded from the shares). */
export function summarizeProfile(profile: CpuProfile, topN = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const fn = new Map<string, { name: string; where: string; owner: string; us: number }>();
  const owners = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const owner = ownerOf(url, functionName);
    if (owner === 'idle') continue;
    total += us;
    owners.set(owner, (owners.get(owner) ?? 0) + us);
    const where = url
      ? `${url.replace(/^.*\/(node_modules|packages|apps)\//, '$1/')}:${lineNumber + 1}`
      : '';
    const key = `${functionName}@${where}`;
    const entry = fn.get(key) ?? { name: functionName || '(anonymous)', where, owner, us: 0 };
    entry.us += us;
    fn.set(key, entry);
  }
  const share = (us: number): number => (total === 0 ? 0 : us / total);
  return {
    totalMs: total / 1000,
    byOwner: [...owners]
      .sort((a, b) => b[1] - a[1])
      .map(([owner, us]) => ({ owner, selfMs: us / 1000, share: share(us) })),
    top: [...fn.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, topN)
      .map((e) => ({
        name: e.name,
        where: e.where,
        owner: e.owner,
        selfMs: e.us / 1000,
        share: share(e.us),
      })),
  };
}

/** Read the newest `.cpuprofile` in a directory. */
export async function readNewestProfile(dir: string): Promise<CpuProfile> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort();
  const last = files[files.length - 1];
  if (!last) throw new Error(`no .cpuprofile was written to ${dir}`);
  return JSON.parse(await readFile(path.join(dir, last), 'utf8')) as CpuProfile;
}

/** Render a summary as markdown. */
export function renderProfile(title: string, summary: ProfileSummary): string {
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  return [
    `### ${title}`,
    '',
    `Sampled CPU (idle excluded): ${summary.totalMs.toFixed(0)} ms.`,
    '',
    '| owner | self ms | share |',
    '| --- | --- | --- |',
    ...summary.byOwner.map((o) => `| ${o.owner} | ${o.selfMs.toFixed(1)} | ${pct(o.share)} |`),
    '',
    '| function | where | owner | self ms | share |',
    '| --- | --- | --- | --- | --- |',
    ...summary.top.map(
      (h) =>
        `| \`${h.name}\` | ${h.where} | ${h.owner} | ${h.selfMs.toFixed(1)} | ${pct(h.share)} |`,
    ),
    '',
  ].join('\n');
}
