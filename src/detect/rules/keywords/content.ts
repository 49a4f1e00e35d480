// content: bytes to find, `content:[!]"text|41 42|text";`. It goes to the sticky buffer in effect,
// else to the payload list (a legacy modifier such as http_uri may move it afterwards).
// uricontent is the deprecated spelling of `content:...; http_uri;`.

import type { ContentMatch } from '../types.js';
import type { KeywordDef, PlacedEntry, RuleBuilder } from './registry.js';
import { decodeContent, fail, requireQuoted } from './util.js';

export const content: KeywordDef = {
  names: ['content', 'uricontent'],
  value: 'required',
  setup(b, value, name) {
    let v = value!.trim();
    let negated = false;
    if (v.startsWith('!')) {
      negated = true;
      v = v.slice(1).trim();
    }
    const pattern = decodeContent(name, requireQuoted(name, v));
    const entry: ContentMatch = {
      kind: 'content',
      pattern,
      negated,
      nocase: false,
      rawbytes: false,
      startswith: false,
      endswith: false,
      fastPattern: null,
    };
    if (name === 'uricontent') {
      if (b.sticky !== null) fail(name, `cannot be used while sticky buffer ${b.sticky} is set`);
      b.requireApp('http', name);
      b.append('http.uri', entry);
      return;
    }
    b.append(b.placement(false), entry);
  },
};

/** The content a modifier applies to: the most recent one in the rule. */
export function modifiedContent(b: RuleBuilder, keyword: string): PlacedEntry<ContentMatch> {
  const p = b.lastContent();
  if (p === null) fail(keyword, 'needs a preceding content');
  return p;
}
