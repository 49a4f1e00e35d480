// metadata: comma-separated "key value" pairs, kept for alert output. As in Suricata, an item
// without a value is ignored.

import type { KeywordDef } from './registry.js';
import { fail, unescapeText } from './util.js';

export const metadata: KeywordDef = {
  names: ['metadata'],
  value: 'required',
  setup(b, value, name) {
    for (const raw of value!.split(',')) {
      const item = unescapeText(raw.trim());
      if (item === '') continue;
      const m = /^(\S+)\s+(.+)$/.exec(item);
      if (m === null) continue;
      const key = m[1]!;
      if (!/^[A-Za-z0-9_.-]+$/.test(key)) fail(name, `"${key}" is not a valid metadata key`);
      b.metadata.push({ key, value: m[2]!.trim() });
    }
  },
};
