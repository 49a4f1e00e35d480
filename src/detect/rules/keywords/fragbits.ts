// fragbits: IPv4 fragmentation bits M (more fragments), D (don't fragment), R (reserved), with
// modifiers + * !.

import { FRAG_BITS } from '../types.js';
import { parseFlagSet } from './flag-set.js';
import type { KeywordDef } from './registry.js';
import { fail, unquote } from './util.js';

export const fragbits: KeywordDef = {
  names: ['fragbits'],
  value: 'required',
  setup(b, value, name) {
    if (b.once('fragbits')) fail(name, 'duplicated keyword');
    b.packetTests.push({ kind: 'fragbits', test: parseFlagSet(name, unquote(value!), FRAG_BITS, false, false) });
  },
};
