// pcre: `pcre:[!]"/regex/flags";`. Flags: i s m x A E G (PCRE options), R (relative to the
// previous match in the same list), O (override match limits), B (rawbytes, no effect), and the
// legacy HTTP buffer selectors U I P Q H D M C S Y V W Z, which put the pcre in that buffer's list
// as the legacy content modifiers do. The regex must compile: it is translated to JavaScript
// (pcre-js.ts) and compiled once here; the engine decides how to run it (RE2 or step-bounded).

import type { BufferName, PcreMatch } from '../types.js';
import { pcreToJs } from './pcre-js.js';
import type { KeywordDef } from './registry.js';
import { fail, own } from './util.js';

/** Legacy HTTP buffer modifiers (Suricata detect-pcre.c). */
export const PCRE_BUFFER_FLAGS: Readonly<Record<string, BufferName>> = {
  U: 'http.uri',
  I: 'http.uri.raw',
  P: 'http.request_body',
  Q: 'http.response_body',
  H: 'http.header',
  D: 'http.header.raw',
  M: 'http.method',
  C: 'http.cookie',
  S: 'http.stat_code',
  Y: 'http.stat_msg',
  V: 'http.user_agent',
  W: 'http.host',
  Z: 'http.host.raw',
};

export const pcre: KeywordDef = {
  names: ['pcre'],
  value: 'required',
  setup(b, value, name) {
    let v = value!.trim();
    let negated = false;
    if (v.startsWith('!')) {
      negated = true;
      v = v.slice(1).trim();
    }
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    if (!v.startsWith('/')) fail(name, `expected "/regex/flags", got ${v}`);
    const last = v.lastIndexOf('/');
    if (last === 0) fail(name, `missing closing "/" in ${v}`);
    const source = v.slice(1, last);
    const flags = v.slice(last + 1);
    const opt = {
      caseless: false,
      dotall: false,
      multiline: false,
      extended: false,
      anchored: false,
      dollarEndOnly: false,
      ungreedy: false,
      relative: false,
      matchLimitOverride: false,
      rawbytes: false,
    };
    let flagBuffer: BufferName | null = null;
    let flagLetter = '';
    for (const f of flags) {
      switch (f) {
        case 'i':
          opt.caseless = true;
          break;
        case 's':
          opt.dotall = true;
          break;
        case 'm':
          opt.multiline = true;
          break;
        case 'x':
          opt.extended = true;
          break;
        case 'A':
          opt.anchored = true;
          break;
        case 'E':
          opt.dollarEndOnly = true;
          break;
        case 'G':
          opt.ungreedy = true;
          break;
        case 'R':
          opt.relative = true;
          break;
        case 'O':
          opt.matchLimitOverride = true;
          break;
        case 'B':
          opt.rawbytes = true;
          break;
        default: {
          const buf = own(PCRE_BUFFER_FLAGS, f);
          if (buf === undefined) fail(name, `unknown modifier "${f}"`);
          if (flagBuffer !== null && flagBuffer !== buf) {
            fail(name, `modifiers "${flagLetter}" and "${f}" select different buffers`);
          }
          flagBuffer = buf;
          flagLetter = f;
        }
      }
    }
    if (opt.rawbytes && flagBuffer !== null) fail(name, `modifier "B" is inconsistent with "${flagLetter}"`);

    let buffer: BufferName;
    if (flagBuffer !== null) {
      if (b.sticky !== null && b.sticky !== flagBuffer) {
        fail(name, `modifier "${flagLetter}" selects ${flagBuffer} but sticky buffer ${b.sticky} is in effect`);
      }
      b.requireApp('http', name);
      buffer = flagBuffer;
    } else {
      buffer = b.sticky ?? 'payload';
    }
    if (opt.rawbytes && buffer !== 'payload') fail(name, `modifier "B" cannot be used in the ${buffer} buffer`);
    if (opt.relative && b.sticky === null) {
      const prev = b.list(buffer).some((m) => m.kind === 'content' || m.kind === 'pcre');
      if (!prev) fail(name, `/R (relative) needs a preceding content or pcre in the ${buffer} buffer`);
    }

    let js: ReturnType<typeof pcreToJs>;
    try {
      js = pcreToJs(source, opt);
    } catch (err) {
      return fail(name, `/${source}/ cannot be used: ${(err as Error).message}`);
    }
    try {
      new RegExp(js.source, js.flags);
    } catch (err) {
      const why = (err as Error).message.replace(/^Invalid regular expression: /, '');
      return fail(name, `/${source}/ does not compile: ${why}`);
    }
    const entry: PcreMatch = {
      kind: 'pcre',
      negated,
      source,
      flags,
      caseless: opt.caseless,
      dotall: opt.dotall,
      multiline: opt.multiline,
      extended: opt.extended,
      anchored: opt.anchored,
      dollarEndOnly: opt.dollarEndOnly,
      ungreedy: opt.ungreedy,
      relative: opt.relative,
      matchLimitOverride: opt.matchLimitOverride,
      jsSource: js.source,
      jsFlags: js.flags,
      jsExact: js.exact,
      // The same translation in RE2's dialect (its own anchors instead of look-around).
      re2Source: pcreToJs(source, opt, 're2').source,
    };
    b.append(buffer, entry);
  },
};
