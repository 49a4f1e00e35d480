// gid: the generator id (default 1).

import type { KeywordDef } from './registry.js';
import { fail, parseUint, U32_MAX, unquote } from './util.js';

export const gid: KeywordDef = {
  names: ['gid'],
  value: 'required',
  setup(b, value, name) {
    if (b.once('gid')) fail(name, 'duplicated keyword');
    b.gid = parseUint(name, unquote(value!), U32_MAX);
  },
};
