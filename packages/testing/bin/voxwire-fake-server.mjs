#!/usr/bin/env node
// A committed shim, so the bin link exists right after `pnpm install` (before any build);
// the real entry is the built CLI.
import '../dist/cli.mjs';
