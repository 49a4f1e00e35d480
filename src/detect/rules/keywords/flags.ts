// flags: TCP flags. Letters F S R P A U C E (1 = CWR, 2 = ECE as in Snort), 0 for none;
// modifiers + * !; an optional ignore mask after a comma (`flags:S,12;`).

import { TCP_FLAG_BITS } from '../types.js';
import { parseFlagSet } from './flag-set.js';
import type { KeywordDef } from './registry.js';
import { fail, unquote } from './util.js';

const BITS: Readonly<Record<string, number>> = { ...TCP_FLAG_BITS, '1': TCP_FLAG_BITS.C, '2': TCP_FLAG_BITS.E };

export const flags: KeywordDef = {
  names: ['flags'],
  value: 'required',
  setup(b, value, name) {
    if (b.once('flags')) fail(name, 'duplicated keyword');
    b.packetTests.push({ kind: 'flags', test: parseFlagSet(name, unquote(value!), BITS, true, true) });
  },
};
