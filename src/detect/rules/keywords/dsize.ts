// dsize: payload size of the packet, Suricata integer comparison on 16 bits (`dsize:<10;`,
// `dsize:300<>400;`, `dsize:!0;`).

import type { KeywordDef } from './registry.js';
import { fail, parseUintCompare, U16_MAX, unquote } from './util.js';

export const dsize: KeywordDef = {
  names: ['dsize'],
  value: 'required',
  setup(b, value, name) {
    if (b.once('dsize')) fail(name, 'duplicated keyword');
    b.packetTests.push({ kind: 'dsize', compare: parseUintCompare(name, unquote(value!), U16_MAX) });
  },
};
