// classtype: must name an entry of classification.config; its priority is the rule's severity
// unless the rule also has `priority`.

import type { KeywordDef } from './registry.js';
import { fail, unquote } from './util.js';

export const classtype: KeywordDef = {
  names: ['classtype'],
  value: 'required',
  setup(b, value, name) {
    if (b.once('classtype')) fail(name, 'duplicated keyword');
    const ct = unquote(value!).trim();
    if (!/^[A-Za-z0-9_-]+$/.test(ct)) fail(name, `"${ct}" is not a valid classtype name`);
    const entry = b.classifications.get(ct.toLowerCase());
    if (entry === undefined) fail(name, `unknown classtype "${ct}" (not in classification.config)`);
    b.classtype = entry.name;
    b.classPriority = entry.priority;
  },
};
