// startswith: the preceding content must be at the very start of the buffer; shorthand for
// depth:<content length>; offset:0; (both recorded). Not combinable with depth, offset,
// distance or within.

import { modifiedContent } from './content.js';
import type { KeywordDef } from './registry.js';
import { fail } from './util.js';

export const startswith: KeywordDef = {
  names: ['startswith'],
  value: 'none',
  setup(b, _value, name) {
    const c = modifiedContent(b, name).entry;
    if (c.startswith) fail(name, 'used twice on the same content');
    if (c.depth !== undefined || c.offset !== undefined || c.distance !== undefined || c.within !== undefined) {
      fail(name, 'cannot be combined with depth, offset, distance or within on the same content');
    }
    c.startswith = true;
    c.depth = c.pattern.length;
    c.offset = 0;
  },
};
