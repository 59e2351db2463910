/**
 * Every TypeScript example in the repository's READMEs, type-checked against the packages'
 * sources as a user would paste it. A README that drifts from the API (a renamed option, an
 * event that no longer exists, a wrong payload type) fails here with the README's own line.
 *
 * It lives in the playground because the playground is the one workspace member that depends on
 * every package. The examples are fragments: the names they use without defining (the user's
 * speaker, microphone frames, an open session) are declared once, in `AMBIENT` below; anything
 * else they use must come from an import in the example itself.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const READMES = [
  'README.md',
  'packages/protocol/README.md',
  'packages/core/README.md',
  'packages/node/README.md',
  'packages/azure/README.md',
  'packages/testing/README.md',
  'apps/playground/README.md',
  'apps/bench/README.md',
];

/** What the examples take as given: the application around them. */
const AMBIENT = `
declare const speaker: { write(pcm: Int16Array): void };
declare const player: {
  play(frame: import('@voxwire/core').AudioFrame, onPlayed: () => void): void;
  clear(): void;
  onDrained(listener: () => void): void;
};
declare const micFrame: import('@voxwire/core').AudioFrame;
declare const captured: Float32Array;
declare const audioContext: { readonly sampleRate: number };
declare const socket: WebSocket;
declare const res: { json(body: unknown): void };
declare const connector: import('@voxwire/core').Connector;
declare const session: import('@voxwire/core').RealtimeSession;
declare const getTime: import('@voxwire/core').Tool;
declare function fetchSecretFromMyServer(): Promise<string>;
declare function fetchWeather(city: string, options: { signal: AbortSignal }): Promise<unknown>;
declare function play(base64Pcm16: string): void;
declare const expect: typeof import('vitest').expect;
`;

/** `@azure/identity` is the user's install, not ours: its credential is a core-auth TokenCredential. */
const AZURE_IDENTITY = `
import type { AccessToken, TokenCredential } from '@azure/core-auth';
export declare class DefaultAzureCredential implements TokenCredential {
  getToken(scopes: string | string[]): Promise<AccessToken | null>;
}
`;

interface Snippet {
  readonly readme: string;
  /** 1-based line of the example's first code line in the README. */
  readonly line: number;
  readonly code: string;
}

function snippetsOf(readme: string): Snippet[] {
  const lines = readFileSync(join(ROOT, readme), 'utf8').split('\n');
  const found: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i]!)) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !lines[end]!.startsWith('```')) end++;
    found.push({ readme, line: start + 1, code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return found;
}

const snippets = READMES.flatMap(snippetsOf);
const workDir = mkdtempSync(join(ROOT, 'apps/playground/.readme-snippets-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

let runs = 0;

function typeCheck(examples: readonly Snippet[]): Map<Snippet, string[]> {
  const files = new Map<string, Snippet>();
  runs++;
  examples.forEach((snippet, index) => {
    const file = join(workDir, `snippet-${runs}-${index}.ts`);
    // `export {}` makes each example a module of its own: top-level await, and its own names
    // shadow the ambient ones instead of clashing with the other examples'
    writeFileSync(file, `${snippet.code}\nexport {};\n`);
    files.set(file, snippet);
  });
  const ambient = join(workDir, 'ambient.d.ts');
  writeFileSync(ambient, AMBIENT);
  const identity = join(workDir, 'azure-identity.d.ts');
  writeFileSync(identity, AZURE_IDENTITY);

  const configFile = ts.readConfigFile(join(ROOT, 'apps/playground/tsconfig.json'), (path) =>
    ts.sys.readFile(path),
  );
  const { options } = ts.parseJsonConfigFileContent(
    configFile.config,
    ts.sys,
    join(ROOT, 'apps/playground'),
  );
  const program = ts.createProgram([...files.keys(), ambient], {
    ...options,
    noEmit: true,
    // examples may leave a value unused (`const session = …` as the last line)
    noUnusedLocals: false,
    paths: { '@azure/identity': [identity] },
  });
  const byFile = new Map<Snippet, string[]>();
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const file = diagnostic.file?.fileName;
    const snippet = file === undefined ? undefined : files.get(resolve(file));
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (snippet === undefined) {
      // a fault in the ambient declarations themselves: charge it to every example
      for (const each of examples) byFile.set(each, [...(byFile.get(each) ?? []), message]);
      continue;
    }
    const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    const where = `${snippet.readme}:${snippet.line + line}`;
    byFile.set(snippet, [...(byFile.get(snippet) ?? []), `${where}: ${message}`]);
  }
  return byFile;
}

describe('README examples', () => {
  it('finds the examples (the extraction itself works)', () => {
    // each package README documents its API with at least one example
    const readmes = new Set(snippets.map((snippet) => snippet.readme));
    for (const readme of READMES.slice(0, 6)) expect(readmes, readme).toContain(readme);
  });

  it('type-check against the packages as written', () => {
    const errors = typeCheck(snippets);
    const report = snippets.flatMap((snippet) => errors.get(snippet) ?? []);
    expect(report, `examples that do not compile:\n${report.join('\n')}`).toEqual([]);
    expect(relative(ROOT, workDir)).toMatch(/^apps\/playground\//);
  });

  it('reports an example that no longer compiles, at its README line', () => {
    // the check itself can fail: a wrong option name in a fake example is caught
    const broken: Snippet = {
      readme: 'README.md',
      line: 10,
      code: "import { RealtimeModel } from '@voxwire/core';\nnew RealtimeModel({ conector: connector });",
    };
    const errors = typeCheck([broken]).get(broken) ?? [];
    expect(errors.join('\n')).toMatch(/^README\.md:11: .*conector/m);
  });
});
