// tag: Suricata logs the packets that follow an alert. vsids has no packet logging to tag into,
// so a rule using it is refused rather than loaded with the keyword silently dropped.

import type { KeywordDef } from './registry.js';
import { fail } from './util.js';

export const tag: KeywordDef = {
  names: ['tag'],
  value: 'optional',
  setup(_b, _value, name) {
    fail(name, 'not supported: vsids does not tag (log) packets after an alert');
  },
};
