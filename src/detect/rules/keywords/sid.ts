// sid: the signature id, 1..2^32-1; required. (gid, sid) must be unique in a rule set (loader.ts).

import type { KeywordDef } from './registry.js';
import { fail, parseUint, U32_MAX, unquote } from './util.js';

export const sid: KeywordDef = {
  names: ['sid'],
  value: 'required',
  setup(b, value, name) {
    if (b.once('sid')) fail(name, 'duplicated keyword');
    const n = parseUint(name, unquote(value!), U32_MAX);
    if (n === 0) fail(name, '0 is not a valid sid');
    b.sid = n;
  },
};
