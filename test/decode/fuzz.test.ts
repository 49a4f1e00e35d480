// Seeded fuzzing of the decoder on mutated corpus frames: no throw, no hang, a decode line
// for every frame. `npm run fuzz` runs the same with 1M frames.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSeeds, runFuzz } from '../../src/devtools/fuzz.js';
import { CORPUS } from '../helpers/cli.js';

describe('decoder fuzzing', () => {
  it('decodes 100k mutated corpus frames without a throw, a hang or a missing line', () => {
    const seeds = loadSeeds(join(CORPUS, 'pcaps'));
    expect(seeds.length).toBeGreaterThan(1000);
    const r = runFuzz(seeds, 100_000, 20261123);
    console.log(`fuzz: ${r.frames} frames in ${r.elapsedSec.toFixed(1)} s`);
    expect(r.firstFailure).toBeUndefined();
    expect(r.frames).toBe(100_000);
    expect(r.throws + r.hangs + r.missingLines).toBe(0);
  });
});
