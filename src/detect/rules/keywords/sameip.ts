// sameip: source and destination IP are the same.

import type { KeywordDef } from './registry.js';

export const sameip: KeywordDef = {
  names: ['sameip'],
  value: 'none',
  setup(b) {
    b.packetTests.push({ kind: 'sameip' });
  },
};
