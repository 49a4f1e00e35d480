// offset: the preceding content must start at or after byte N of the buffer.
// Absolute: cannot be combined with distance/within or startswith on the same content.

import { modifiedContent } from './content.js';
import type { KeywordDef } from './registry.js';
import { fail, parseIntOrVar, parseUint, U16_MAX } from './util.js';

export const offset: KeywordDef = {
  names: ['offset'],
  value: 'required',
  setup(b, value, name) {
    const c = modifiedContent(b, name).entry;
    if (c.startswith) fail(name, 'cannot be combined with startswith on the same content');
    if (c.offset !== undefined) fail(name, 'used twice on the same content');
    if (c.distance !== undefined || c.within !== undefined) {
      fail(name, 'cannot be combined with a relative distance/within on the same content');
    }
    c.offset = parseIntOrVar(b, name, value!, (t) => parseUint(name, t, U16_MAX));
  },
};
