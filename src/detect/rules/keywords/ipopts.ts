// ipopts: an IPv4 option is present: rr, eol, nop, ts, sec, esec, lsrr, lsrre, ssrr, satid, or
// any.

import type { IpOption } from '../types.js';
import type { KeywordDef } from './registry.js';
import { fail, unquote } from './util.js';

const OPTIONS: readonly IpOption[] = ['rr', 'eol', 'nop', 'ts', 'sec', 'esec', 'lsrr', 'lsrre', 'ssrr', 'satid', 'any'];

export const ipopts: KeywordDef = {
  names: ['ipopts'],
  value: 'required',
  setup(b, value, name) {
    if (b.once('ipopts')) fail(name, 'duplicated keyword');
    const v = unquote(value!).trim().toLowerCase();
    if (!(OPTIONS as readonly string[]).includes(v)) fail(name, `unknown IP option "${v}" (${OPTIONS.join(', ')})`);
    b.packetTests.push({ kind: 'ipopts', option: v as IpOption });
  },
};
