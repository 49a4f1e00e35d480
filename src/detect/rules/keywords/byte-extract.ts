// byte_extract: `byte_extract:<nbytes>,<offset>,<name>[,relative][,multiplier N]
// [,big|little|dce][,string[,hex|dec|oct]][,align 2|4][,bitmask N];` — read a value into a
// variable that later depth/offset/distance/within/byte_test/byte_jump/isdataat may use.

import type { ByteExtractMatch } from '../types.js';
import { checkNbytes, parseByteOptions } from './byte-options.js';
import type { KeywordDef } from './registry.js';
import { fail, parseSignedInt, parseUintBase0, splitArgs } from './util.js';

/** Words that cannot be variable names because the byte_* options use them. */
const RESERVED = new Set([
  'relative',
  'big',
  'little',
  'dce',
  'string',
  'hex',
  'dec',
  'oct',
  'align',
  'multiplier',
  'bitmask',
  'from_beginning',
  'from_end',
  'post_offset',
]);

export const byteExtract: KeywordDef = {
  names: ['byte_extract'],
  value: 'required',
  setup(b, value, name) {
    const args = splitArgs(value!);
    if (args.length < 3) fail(name, 'needs <nbytes>,<offset>,<variable name>');
    const [nb, offsetText, varName, ...rest] = args as [string, string, string, ...string[]];
    const o = parseByteOptions(name, rest, [
      'relative',
      'endian',
      'dce',
      'string',
      'bitmask',
      'multiplier',
      'align-value',
    ]);
    const nbytes = parseUintBase0(name, nb, 255, 'nbytes');
    checkNbytes(name, nbytes, o.string);
    const offset = parseSignedInt(name, offsetText, -65535, 65535, 'offset');
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(varName)) fail(name, `"${varName}" is not a valid variable name`);
    if (RESERVED.has(varName.toLowerCase())) fail(name, `"${varName}" is a reserved word, not a variable name`);
    if (b.byteVars.includes(varName)) fail(name, `variable "${varName}" is already defined in this rule`);
    const entry: ByteExtractMatch = {
      kind: 'byte_extract',
      nbytes,
      offset,
      name: varName,
      relative: o.relative,
      multiplier: o.multiplier ?? 1,
      endian: o.endian ?? 'big',
      string: o.string ? o.base : null,
      align: o.align ?? 0,
      bitmask: o.bitmask,
    };
    b.byteVars.push(varName);
    b.append(b.placement(o.relative), entry);
  },
};
