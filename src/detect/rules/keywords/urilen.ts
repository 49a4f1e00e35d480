// urilen: length of the HTTP request URI, `urilen:<cmp>[,norm|raw];` (normalized by default).
// Recorded in the http.uri (or http.uri.raw) list.

import type { KeywordDef } from './registry.js';
import { fail, parseUintCompare, splitArgs, U16_MAX } from './util.js';

export const urilen: KeywordDef = {
  names: ['urilen'],
  value: 'required',
  setup(b, value, name) {
    const [cmp, mode, ...extra] = splitArgs(value!);
    if (extra.length > 0) fail(name, `too many values in "${value}"`);
    let raw = false;
    if (mode !== undefined) {
      if (mode === 'raw') raw = true;
      else if (mode !== 'norm') fail(name, `"${mode}" is not "raw" or "norm"`);
    }
    const compare = parseUintCompare(name, cmp!, U16_MAX);
    b.requireApp('http', name);
    b.append(raw ? 'http.uri.raw' : 'http.uri', { kind: 'urilen', compare, raw });
  },
};
