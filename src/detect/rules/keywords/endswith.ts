// endswith: the preceding content must end at the end of the buffer (like isdataat:!1,relative).

import { modifiedContent } from './content.js';
import type { KeywordDef } from './registry.js';
import { fail } from './util.js';

export const endswith: KeywordDef = {
  names: ['endswith'],
  value: 'none',
  setup(b, _value, name) {
    const c = modifiedContent(b, name).entry;
    if (c.endswith) fail(name, 'used twice on the same content');
    c.endswith = true;
  },
};
