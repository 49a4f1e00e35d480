// isdataat: `isdataat:[!]<offset>[,relative][,rawbytes];` — is there data at this offset (from the
// buffer start, or from the previous match with `relative`)? The offset may be a byte_extract
// variable.

import type { IsdataatMatch } from '../types.js';
import type { KeywordDef } from './registry.js';
import { fail, parseIntOrVar, parseUint, splitArgs, U16_MAX } from './util.js';

export const isdataat: KeywordDef = {
  names: ['isdataat'],
  value: 'required',
  setup(b, value, name) {
    const [first, ...rest] = splitArgs(value!);
    let off = first!;
    let negated = false;
    if (off.startsWith('!')) {
      negated = true;
      off = off.slice(1).trim();
    }
    let relative = false;
    let rawbytes = false;
    for (const w of rest) {
      if (w === 'relative') relative = true;
      else if (w === 'rawbytes') rawbytes = true;
      else fail(name, `unknown option "${w}" (relative, rawbytes)`);
    }
    const offset = parseIntOrVar(b, name, off, (t) => parseUint(name, t, U16_MAX, 'offset'), 'offset');
    const entry: IsdataatMatch = { kind: 'isdataat', negated, offset, relative, rawbytes };
    b.append(b.placement(relative), entry);
  },
};
