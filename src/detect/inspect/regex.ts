// pcre execution that cannot hang the sensor. A rule's regex runs on RE2 (linear time, no
// backtracking) through the `re2` package whenever RE2 accepts the translated pattern; only a
// pattern RE2 refuses (back-references, look-around, atomic groups...) falls back to V8's
// backtracking engine, and such rules are counted and reported at load.
//
// Both engines run on a latin1 string of the buffer, so every byte is one code unit and `\xNN`
// in a pattern matches byte NN, as PCRE without UTF mode does.

import { createRequire } from 'node:module';
import type { PcreMatch } from '../rules/types.js';

/** Runs one pcre. exec() returns the end of the first match found at or after `from`, or -1. */
export interface RegexRunner {
  /** 're2' or 'js' (fallback). */
  readonly engine: 're2' | 'js';
  /**
   * Search `text` from `from`; the subject starts at `start` (PCRE's subject for /R: `^` and
   * look-behind see nothing before it). Returns the match end, or -1.
   */
  exec(text: string | Buffer, from: number, start: number): number;
  /** Start of the last match exec() returned. */
  readonly lastStart: number;
}

interface Re2Like {
  lastIndex: number;
  /** On a Buffer (UTF-8 to RE2; callers pass only ASCII ones), index and lastIndex count bytes. */
  exec(s: string | Buffer): { index: number; 0: string | Buffer } | null;
}
type Re2Ctor = new (source: string, flags: string) => Re2Like;

let re2Ctor: Re2Ctor | null | undefined;

/** The RE2 constructor, or null when the native module is not installed. */
function loadRe2(): Re2Ctor | null {
  if (re2Ctor === undefined) {
    try {
      re2Ctor = createRequire(import.meta.url)('re2') as Re2Ctor;
    } catch {
      re2Ctor = null;
    }
  }
  return re2Ctor;
}

/** Is the RE2 engine available? */
export function re2Available(): boolean {
  return loadRe2() !== null;
}

class Runner implements RegexRunner {
  lastStart = -1;
  constructor(
    readonly engine: 're2' | 'js',
    private readonly re: Re2Like,
  ) {}

  exec(text: string | Buffer, from: number, start: number): number {
    const re = this.re;
    if (start === 0) {
      re.lastIndex = from;
      const m = re.exec(text);
      if (m === null) return -1;
      this.lastStart = m.index;
      return m.index + m[0].length;
    }
    // Relative (/R): the subject begins at `start`.
    re.lastIndex = from - start;
    const m = re.exec(typeof text === 'string' ? text.slice(start) : text.subarray(start));
    if (m === null) return -1;
    this.lastStart = m.index + start;
    return this.lastStart + m[0].length;
  }
}

/**
 * Compile a parsed pcre. Tries RE2 first; `preferJs` (tests) skips it. Throws only if neither
 * engine accepts the pattern (the rule parser has already compiled it with V8, so in practice
 * never).
 */
export function compileRegex(m: PcreMatch, preferJs = false): RegexRunner {
  const flags = `${m.jsFlags.replace(/[gy]/g, '')}g`;
  const Re2 = preferJs ? null : loadRe2();
  if (Re2 !== null && m.jsExact) {
    try {
      return new Runner('re2', new Re2(m.re2Source, flags.replace(/[uvd]/g, '')));
    } catch {
      // RE2 refuses this syntax: fall back below.
    }
  }
  return new Runner('js', new RegExp(m.jsSource, flags));
}
