// nocase: the preceding content matches regardless of ASCII case.

import { modifiedContent } from './content.js';
import type { KeywordDef } from './registry.js';
import { fail } from './util.js';

export const nocase: KeywordDef = {
  names: ['nocase'],
  value: 'none',
  setup(b, _value, name) {
    const c = modifiedContent(b, name).entry;
    if (c.nocase) fail(name, 'used twice on the same content');
    c.nocase = true;
  },
};
