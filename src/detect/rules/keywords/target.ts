// target: which side of the alert is the target (src_ip or dest_ip), for EVE source/target.

import type { KeywordDef } from './registry.js';
import { fail, unquote } from './util.js';

export const target: KeywordDef = {
  names: ['target'],
  value: 'required',
  setup(b, value, name) {
    if (b.once('target')) fail(name, 'duplicated keyword');
    const v = unquote(value!).trim();
    if (v !== 'src_ip' && v !== 'dest_ip') fail(name, `"${v}" is not src_ip or dest_ip`);
    b.target = v;
  },
};
