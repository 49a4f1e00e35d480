// detection_filter: `detection_filter:track by_src|by_dst|by_both|by_rule|by_flow, count N,
// seconds N;` — alert only once the rule matched more than N times in the window. One threshold
// or detection_filter per rule.

import type { KeywordDef } from './registry.js';
import { parseCountSeconds, parseSettings, parseTrack } from './threshold.js';
import { fail } from './util.js';

export const detectionFilter: KeywordDef = {
  names: ['detection_filter'],
  value: 'required',
  setup(b, value, name) {
    if (b.threshold !== null) {
      fail(name, `only one threshold or detection_filter per rule (already has ${b.threshold.keyword})`);
    }
    const s = parseSettings(name, value!, ['track', 'count', 'seconds']);
    const track = parseTrack(name, s.get('track')!);
    b.threshold = { keyword: 'detection_filter', track, ...parseCountSeconds(name, s) };
  },
};
