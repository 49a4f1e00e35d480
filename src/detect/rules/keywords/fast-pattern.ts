// fast_pattern: choose the preceding content as the rule's prefilter pattern.
//   fast_pattern;              this content
//   fast_pattern:only;         this content, and a prefilter hit is the whole match
//   fast_pattern:<off>,<len>;  only bytes [off, off+len) of the content go to the prefilter

import { modifiedContent } from './content.js';
import type { KeywordDef } from './registry.js';
import { fail } from './util.js';

export const fastPattern: KeywordDef = {
  names: ['fast_pattern'],
  value: 'optional',
  setup(b, value, name) {
    const c = modifiedContent(b, name).entry;
    if (c.fastPattern !== null) fail(name, 'used twice on the same content');
    const v = (value ?? '').trim();
    if (v === '') {
      c.fastPattern = { only: false };
      return;
    }
    if (v === 'only') {
      const positional = c.depth !== undefined || c.offset !== undefined;
      const relative = c.distance !== undefined || c.within !== undefined;
      if (c.negated || positional || relative) {
        fail(name, '"only" cannot be used with a negated content or with distance, within, offset or depth');
      }
      c.fastPattern = { only: true };
      return;
    }
    const m = /^(\d+)\s*,\s*(\d+)$/.exec(v);
    if (m === null) fail(name, `"${v}" is not "only" or "<offset>,<length>"`);
    const off = Number(m[1]);
    const len = Number(m[2]);
    if (len === 0) fail(name, 'length must be above 0');
    if (off + len > c.pattern.length) {
      fail(name, `${off},${len} reaches past the end of the ${c.pattern.length}-byte content`);
    }
    c.fastPattern = { only: false, offset: off, length: len };
  },
};
