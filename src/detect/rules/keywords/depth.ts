// depth: the preceding content must end within the first N bytes (counted from offset).
// Absolute: cannot be combined with distance/within or startswith on the same content.

import { modifiedContent } from './content.js';
import type { KeywordDef } from './registry.js';
import { fail, parseIntOrVar, parseUint, U16_MAX } from './util.js';

export const depth: KeywordDef = {
  names: ['depth'],
  value: 'required',
  setup(b, value, name) {
    const c = modifiedContent(b, name).entry;
    if (c.startswith) fail(name, 'cannot be combined with startswith on the same content');
    if (c.depth !== undefined) fail(name, 'used twice on the same content');
    if (c.distance !== undefined || c.within !== undefined) {
      fail(name, 'cannot be combined with a relative distance/within on the same content');
    }
    const v = parseIntOrVar(b, name, value!, (t) => parseUint(name, t, U16_MAX));
    if (typeof v === 'number') {
      if (v === 0) fail(name, '0 is not a valid depth');
      if (v < c.pattern.length) fail(name, `${v} is smaller than the content length ${c.pattern.length}`);
    }
    c.depth = v;
  },
};
