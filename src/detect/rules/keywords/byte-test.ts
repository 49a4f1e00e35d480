// byte_test: `byte_test:<nbytes>,[!]<op>,<value>,<offset>[,relative][,big|little|dce]
// [,string,hex|dec|oct][,bitmask N];` — read nbytes at offset (relative to the previous match
// with `relative`) and compare. nbytes, value and offset may name byte_extract variables.

import type { ByteTestMatch } from '../types.js';
import { checkNbytes, parseByteOptions } from './byte-options.js';
import type { KeywordDef } from './registry.js';
import {
  fail,
  I32_MAX,
  I32_MIN,
  parseIntOrVar,
  parseSignedInt,
  parseUintBase0,
  splitArgs,
  U64_SAFE_MAX,
} from './util.js';

const OPS = ['<', '>', '=', '<=', '>=', '&', '^'] as const;

export const byteTest: KeywordDef = {
  names: ['byte_test'],
  value: 'required',
  setup(b, value, name) {
    const args = splitArgs(value!);
    if (args.length < 4) fail(name, 'needs <nbytes>,<operator>,<value>,<offset>');
    const [nb, opText, valueText, offsetText, ...rest] = args as [string, string, string, string, ...string[]];
    const o = parseByteOptions(name, rest, ['relative', 'endian', 'dce', 'string', 'bitmask']);
    const nbytes = parseIntOrVar(b, name, nb, (t) => parseUintBase0(name, t, 255, 'nbytes'), 'nbytes');
    if (typeof nbytes === 'number') checkNbytes(name, nbytes, o.string);
    let op = opText.replace(/\s+/g, '');
    let negated = false;
    if (op.startsWith('!')) {
      negated = true;
      op = op.slice(1);
      if (op === '') op = '=';
    }
    if (!(OPS as readonly string[]).includes(op)) {
      fail(name, `"${opText}" is not an operator (<, >, =, <=, >=, &, ^, with optional !)`);
    }
    const val = parseIntOrVar(b, name, valueText, (t) => parseUintBase0(name, t, U64_SAFE_MAX, 'value'), 'value');
    const offsetNum = (t: string): number => parseSignedInt(name, t, I32_MIN, I32_MAX, 'offset');
    const offset = parseIntOrVar(b, name, offsetText, offsetNum, 'offset');
    const entry: ByteTestMatch = {
      kind: 'byte_test',
      nbytes,
      op: op as ByteTestMatch['op'],
      negated,
      value: val,
      offset,
      relative: o.relative,
      endian: o.endian ?? 'big',
      string: o.string ? o.base : null,
      bitmask: o.bitmask,
    };
    b.append(b.placement(o.relative), entry);
  },
};
