// Adds up the vitest JSON results of every workspace package and prints one closing line,
// "N passed, N failed, N skipped", so a CI log shows at a glance what ran.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
for (const group of ['packages', 'apps']) {
  if (!existsSync(group)) continue;
  for (const name of readdirSync(group)) {
    const file = join(group, name, 'test-results.json');
    if (!existsSync(file)) continue;
    const r = JSON.parse(readFileSync(file, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
    rows.push(`  ${group}/${name}: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
    // a skipped test is said loudly (the browser tests skip only where Chromium is missing)
    for (const suite of r.testResults ?? []) {
      for (const t of suite.assertionResults ?? []) {
        if (t.status === 'pending' || t.status === 'skipped' || t.status === 'todo') {
          rows.push(`    SKIPPED: ${t.fullName}`);
        }
      }
    }
  }
}
console.log(rows.join('\n'));

// core's fault suite writes a report (issue 8); its totals belong in the closing lines
const faultReport = join('packages', 'core', 'test-results', 'fault-report.md');
if (existsSync(faultReport)) {
  const text = readFileSync(faultReport, 'utf8');
  const total = (label) =>
    [...text.matchAll(new RegExp(`- ${label}: (\\d+)`, 'g'))].reduce((n, m) => n + Number(m[1]), 0);
  console.log(
    `fault suite: ${total('scenarios run')} scenarios, ${total('faults injected')} faults injected, ${total('items lost')} items lost (report: ${faultReport})`,
  );
}
if (passed + failed === 0) {
  console.log('no test results found');
  process.exit(1);
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
