// msg: the alert text. `msg:"text";` with `\"`, `\;`, `\\` escapes. Optional in Suricata.

import type { KeywordDef } from './registry.js';
import { fail, requireQuoted, unescapeText } from './util.js';

export const msg: KeywordDef = {
  names: ['msg'],
  value: 'required',
  setup(b, value, name) {
    if (b.once('msg')) fail(name, 'duplicated keyword');
    b.msg = unescapeText(requireQuoted(name, value!));
  },
};
