// rawbytes: Snort compatibility, no effect in Suricata; only valid on payload contents.

import { modifiedContent } from './content.js';
import type { KeywordDef } from './registry.js';

export const rawbytes: KeywordDef = {
  names: ['rawbytes'],
  value: 'none',
  setup(b, _value, name) {
    modifiedContent(b, name).entry.rawbytes = true;
  },
};
