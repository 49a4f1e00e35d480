#!/usr/bin/env node
// Entry point installed as `vsids`; the compiled CLI lives in dist/ (built by `npm run build`, run on install).
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`vsids: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 70;
  },
);
