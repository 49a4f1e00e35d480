// rev: the rule revision (default 0, as in Suricata).

import type { KeywordDef } from './registry.js';
import { fail, parseUint, U32_MAX, unquote } from './util.js';

export const rev: KeywordDef = {
  names: ['rev'],
  value: 'required',
  setup(b, value, name) {
    if (b.once('rev')) fail(name, 'duplicated keyword');
    b.rev = parseUint(name, unquote(value!), U32_MAX);
  },
};
