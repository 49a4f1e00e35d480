// priority: the rule's severity, 1 (highest) to 255; overrides the classtype's priority.

import type { KeywordDef } from './registry.js';
import { fail, parseUint, unquote } from './util.js';

export const priority: KeywordDef = {
  names: ['priority'],
  value: 'required',
  setup(b, value, name) {
    if (b.once('priority')) fail(name, 'duplicated keyword');
    const n = parseUint(name, unquote(value!), 255);
    if (n === 0) fail(name, 'must be 1-255');
    b.priority = n;
  },
};
