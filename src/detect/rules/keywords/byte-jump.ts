// byte_jump: `byte_jump:<nbytes>,<offset>[,relative][,multiplier N][,big|little|dce]
// [,string,hex|dec|oct][,align][,from_beginning|from_end][,post_offset N][,bitmask N];` — read a
// length and move the detection position past it. nbytes and offset may be byte_extract variables.

import type { ByteJumpMatch } from '../types.js';
import { checkNbytes, parseByteOptions } from './byte-options.js';
import type { KeywordDef } from './registry.js';
import { fail, I32_MAX, I32_MIN, parseIntOrVar, parseSignedInt, parseUintBase0, splitArgs } from './util.js';

export const byteJump: KeywordDef = {
  names: ['byte_jump'],
  value: 'required',
  setup(b, value, name) {
    const args = splitArgs(value!);
    if (args.length < 2) fail(name, 'needs <nbytes>,<offset>');
    const [nb, offsetText, ...rest] = args as [string, string, ...string[]];
    const o = parseByteOptions(name, rest, [
      'relative',
      'endian',
      'dce',
      'string',
      'bitmask',
      'multiplier',
      'align',
      'from',
      'post_offset',
    ]);
    const nbytes = parseIntOrVar(b, name, nb, (t) => parseUintBase0(name, t, 255, 'nbytes'), 'nbytes');
    if (typeof nbytes === 'number') checkNbytes(name, nbytes, o.string, o.fromEnd);
    const offsetNum = (t: string): number => parseSignedInt(name, t, I32_MIN, I32_MAX, 'offset');
    const offset = parseIntOrVar(b, name, offsetText, offsetNum, 'offset');
    const entry: ByteJumpMatch = {
      kind: 'byte_jump',
      nbytes,
      offset,
      relative: o.relative,
      multiplier: o.multiplier ?? 1,
      endian: o.endian ?? 'big',
      string: o.string ? o.base : null,
      align: o.align !== null,
      fromBeginning: o.fromBeginning,
      fromEnd: o.fromEnd,
      postOffset: o.postOffset ?? 0,
      bitmask: o.bitmask,
    };
    b.append(b.placement(o.relative), entry);
  },
};
