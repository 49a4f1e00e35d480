// reference: `reference:type,value;` (url, cve, bugtraq, ...). Kept for alert output.

import type { KeywordDef } from './registry.js';
import { fail, unescapeText, unquote } from './util.js';

export const reference: KeywordDef = {
  names: ['reference'],
  value: 'required',
  setup(b, value, name) {
    const v = unquote(value!);
    const comma = v.indexOf(',');
    if (comma < 0) fail(name, `expected "type,value", got "${v}"`);
    const type = v.slice(0, comma).trim().toLowerCase();
    const ref = unescapeText(v.slice(comma + 1).trim());
    if (!/^[a-z0-9_.-]+$/.test(type)) fail(name, `"${type}" is not a valid reference type`);
    if (ref === '') fail(name, `reference "${type}" has an empty value`);
    b.references.push({ type, value: ref });
  },
};
