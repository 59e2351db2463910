// Installs the pnpm version named in package.json#packageManager when it is missing.
// Corepack is avoided on purpose: its signature check fails behind the registry mirrors we use.
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const wanted = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
).packageManager.split('@')[1];
let have = '';
try {
  have = execSync('pnpm --version', { stdio: ['ignore', 'pipe', 'ignore'] })
    .toString()
    .trim();
} catch {
  // not installed
}
if (have !== wanted) {
  console.log(`installing pnpm@${wanted} (found: ${have || 'none'})`);
  execSync(`npm install --global pnpm@${wanted}`, { stdio: 'inherit' });
}
