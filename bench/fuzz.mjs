#!/usr/bin/env node
// `npm run fuzz`: the decoder fuzzer at full size (default 1M mutated frames).
//   node bench/fuzz.mjs [--frames N] [--seed S] [--corpus DIR]
// Exits 1 if any frame threw, hung, or produced no decode line.

import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadSeeds, runFuzz } from '../dist/devtools/fuzz.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    frames: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '1' },
    corpus: { type: 'string', default: resolve(root, '../shared/captures-corpus/pcaps') },
  },
});
const seeds = loadSeeds(values.corpus);
if (seeds.length === 0) {
  console.error(`fuzz: no seed frames in ${values.corpus}`);
  process.exit(2);
}
const r = runFuzz(seeds, Number(values.frames), Number(values.seed));
console.log(
  `fuzz: ${r.frames} frames from ${seeds.length} seeds (seed ${values.seed}) in ${r.elapsedSec.toFixed(1)} s: ` +
    `${r.throws} throws, ${r.hangs} hangs, ${r.missingLines} missing lines`,
);
if (r.firstFailure) console.log(`first failure: ${r.firstFailure}`);
process.exit(r.throws + r.hangs + r.missingLines > 0 ? 1 : 0);
