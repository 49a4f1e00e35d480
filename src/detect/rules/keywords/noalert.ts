// noalert: the rule runs (its flowbits actions happen) but never raises an alert.

import type { KeywordDef } from './registry.js';

export const noalert: KeywordDef = {
  names: ['noalert'],
  value: 'none',
  setup(b) {
    b.noalert = true;
  },
};
