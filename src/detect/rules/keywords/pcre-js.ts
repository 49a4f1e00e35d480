// PCRE (as Suricata compiles it: no UTF, default newline LF) -> a JavaScript RegExp source with
// the same meaning when run on a latin1 string of the inspected bytes.
//
// JavaScript regexes differ from PCRE in ways that change matches on network data, so options
// and the affected constructs are rewritten instead of mapped to JS flags:
//   .        PCRE excludes only \n (not \r)            -> [^\n], or [\s\S] under s
//   $        end, or before a final \n                 -> (?=\n?(?![\s\S])); (?![\s\S]) under E
//   ^ $ (m)  only \n separates lines                   -> (?<![^\n]) and (?![^\n])
//   \s       no NBSP (0xA0)                            -> [\t\n\v\f\r ]
//   \h \v \R \N \A \z \Z \e \a \x{..} \o{..} \Q..\E    -> explicit equivalents
//   (?P<n>..) (?'n'..) (?P=n) \g{N} \k{n}              -> JS named groups and backreferences
//   (?i) (?-i) (?i:..) (?s) (?m) (?x) (?U) inline     -> tracked per group and applied by rewriting
//   x / G (ungreedy) modes, [[:alpha:]] POSIX classes, literal { } and a leading ] in a class
// Atomic groups (?>..) and possessive quantifiers become ordinary ones: `exact` is then false.
// Constructs JavaScript cannot express (recursion, conditionals, \G, \K, \p, verbs) are errors.

export interface PcreOptions {
  caseless: boolean;
  dotall: boolean;
  multiline: boolean;
  extended: boolean;
  dollarEndOnly: boolean;
  ungreedy: boolean;
}

export interface JsRegex {
  source: string;
  flags: string;
  /** False when an atomic group or possessive quantifier was approximated. */
  exact: boolean;
}

interface Mode {
  i: boolean;
  s: boolean;
  m: boolean;
  x: boolean;
  U: boolean;
}

const POSIX: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: 'a-zA-Z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: '\\t\\n\\v\\f\\r ',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  print: '\\x20-\\x7e',
  graph: '\\x21-\\x7e',
  cntrl: '\\x00-\\x1f\\x7f',
  xdigit: '0-9A-Fa-f',
  word: '\\w',
  ascii: '\\x00-\\x7f',
};

/** The regex dialect written: V8's, or RE2's (linear time, no look-around, native anchors). */
export type RegexDialect = 'js' | 're2';

/** How PCRE's anchors are spelled in each dialect. */
interface Anchors {
  /** ^ under m: after a \n or at the start. */
  readonly lineStart: string;
  /** $ under m: before a \n or at the end. */
  readonly lineEnd: string;
  /** \A */
  readonly subjectStart: string;
  /** \z, and $ under E. */
  readonly subjectEnd: string;
  /** $ and \Z: the end, or before a final \n. RE2 has no look-ahead: there the newline joins the match. */
  readonly endOrFinalNewline: string;
}

const ANCHORS: Record<RegexDialect, Anchors> = {
  js: {
    lineStart: '(?<![^\\n])',
    lineEnd: '(?![^\\n])',
    subjectStart: '(?<![\\s\\S])',
    subjectEnd: '(?![\\s\\S])',
    endOrFinalNewline: '(?=\\n?(?![\\s\\S]))',
  },
  re2: {
    lineStart: '(?m:^)',
    lineEnd: '(?m:$)',
    subjectStart: '\\A',
    subjectEnd: '\\z',
    endOrFinalNewline: '(?:\\n?\\z)',
  },
};

class Unsupported extends Error {}

/** Match a sticky regex at a position without slicing the string. */
function matchAt(re: RegExp, s: string, pos: number): RegExpExecArray | null {
  re.lastIndex = pos;
  return re.exec(s);
}

const RE_QUANT = /\{(\d+)(,(\d*))?\}/y;
const RE_HEX2 = /[0-9a-fA-F]{0,2}/y;
const RE_OCT2 = /[0-7]{0,2}/y;
const RE_OCT_BRACE = /\{([0-7]+)\}/y;
const RE_HEX_BRACE = /\{([0-9a-fA-F]+)\}/y;
const RE_POSIX = /\[:(\^?)([a-z]+):\]/y;
const RE_G_NUM = /(?:\{(-?\d+)\}|(-?\d+))/y;
const RE_G_NAME = /\{([A-Za-z_]\w*)\}/y;
const RE_K_NAME = /(?:<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)'|\{([A-Za-z_]\w*)\})/y;
const RE_NAMED_GROUP = /\(\?(?:P<([A-Za-z_]\w*)>|<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')/y;
const RE_NAMED_REF = /\(\?P=([A-Za-z_]\w*)\)/y;
const RE_INLINE = /\(\?([imsxUJn]*)(?:-([imsxUJn]*))?(\)|:)/y;

/** Translate; throws Error with a short reason when the pattern cannot be expressed. */
export function pcreToJs(pattern: string, options: PcreOptions, dialect: RegexDialect = 'js'): JsRegex {
  // Options set at the very start, `(?i)abc`, apply to the whole pattern: fold them in.
  const opts = { ...options };
  for (;;) {
    const lead = /^\(\?([imsxU]+)\)/.exec(pattern);
    if (lead === null) break;
    for (const l of lead[1]!) {
      if (l === 'i') opts.caseless = true;
      else if (l === 's') opts.dotall = true;
      else if (l === 'm') opts.multiline = true;
      else if (l === 'x') opts.extended = true;
      else opts.ungreedy = true;
    }
    pattern = pattern.slice(lead[0].length);
  }
  // First pass with the JS `i` flag standing for a uniform caseless setting; if inline options
  // change caseless somewhere, translate again spelling out case for every letter.
  const anchors = ANCHORS[dialect];
  const first = new Translator(pattern, opts, opts.caseless ? 'flag' : 'none', anchors);
  const r = first.run();
  if (!first.mixedCase) return { source: r, flags: opts.caseless ? 'i' : '', exact: first.exact };
  const second = new Translator(pattern, opts, 'expand', anchors);
  const r2 = second.run();
  return { source: r2, flags: '', exact: second.exact };
}

function hex2(code: number): string {
  return `\\x${code.toString(16).padStart(2, '0')}`;
}

/** Escape one literal character for use outside or inside a class. */
function lit(code: number): string {
  const c = String.fromCharCode(code);
  if (/[A-Za-z0-9 _]/.test(c)) return c;
  if (code < 0x20 || code >= 0x7f) return hex2(code);
  return `\\${c}`;
}

function isLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function otherCase(code: number): number {
  return code <= 0x5a ? code + 32 : code - 32;
}

class Translator {
  private pos = 0;
  private out = '';
  exact = true;
  mixedCase = false;
  private groupCount = 0;
  private readonly modes: Mode[];

  constructor(
    private readonly src: string,
    private readonly opts: PcreOptions,
    private readonly caseMode: 'none' | 'flag' | 'expand',
    private readonly anchors: Anchors,
  ) {
    this.modes = [{ i: opts.caseless, s: opts.dotall, m: opts.multiline, x: opts.extended, U: opts.ungreedy }];
  }

  private get mode(): Mode {
    return this.modes[this.modes.length - 1]!;
  }

  run(): string {
    if (this.src.startsWith('(*')) throw new Unsupported('PCRE start-of-pattern verbs like (*UTF8) are not supported');
    while (this.pos < this.src.length) this.atom();
    if (this.modes.length !== 1) throw new Unsupported('missing ")"');
    return this.out;
  }

  private noteCase(): void {
    if (this.mode.i !== this.opts.caseless) this.mixedCase = true;
  }

  /** Emit a literal character under the current mode. */
  private emitLiteral(code: number): void {
    if (isLetter(code)) this.noteCase();
    if (this.mode.i && isLetter(code) && this.caseMode === 'expand') {
      this.out += `[${String.fromCharCode(code)}${String.fromCharCode(otherCase(code))}]`;
    } else this.out += lit(code);
  }

  private atom(): void {
    const s = this.src;
    const c = s[this.pos]!;
    if (this.mode.x) {
      if (/\s/.test(c)) {
        this.pos++;
        return;
      }
      if (c === '#') {
        while (this.pos < s.length && s[this.pos] !== '\n') this.pos++;
        return;
      }
    }
    switch (c) {
      case '\\':
        this.escape();
        this.quantifier();
        return;
      case '[':
        this.charClass();
        this.quantifier();
        return;
      case '(':
        this.group();
        return;
      case ')':
        if (this.modes.length === 1) throw new Unsupported('unmatched ")"');
        this.modes.pop();
        this.pos++;
        this.out += ')';
        this.quantifier();
        return;
      case '.':
        this.pos++;
        this.out += this.mode.s ? '[\\s\\S]' : '[^\\n]';
        this.quantifier();
        return;
      case '^':
        this.pos++;
        this.out += this.mode.m ? this.anchors.lineStart : '^';
        return;
      case '$':
        this.pos++;
        if (this.mode.m) this.out += this.anchors.lineEnd;
        else this.out += this.opts.dollarEndOnly ? this.anchors.subjectEnd : this.anchors.endOrFinalNewline;
        return;
      case '|':
        this.pos++;
        this.out += '|';
        return;
      case '*':
      case '+':
      case '?':
        throw new Unsupported(`quantifier "${c}" has nothing to repeat`);
      case '{':
        if (matchAt(RE_QUANT, s, this.pos) !== null) throw new Unsupported('quantifier "{" has nothing to repeat');
        this.pos++;
        this.out += '\\{';
        this.quantifier();
        return;
      case '}':
        this.pos++;
        this.out += '\\}';
        this.quantifier();
        return;
      default: {
        this.pos++;
        const code = c.charCodeAt(0);
        if (code >= 0x80) {
          // The rule file is UTF-8; PCRE without UTF sees the encoded bytes.
          const bytes = Buffer.from(c, 'utf8');
          this.out += `(?:${[...bytes].map(hex2).join('')})`;
        } else this.emitLiteral(code);
        this.quantifier();
      }
    }
  }

  /** After an atom: *, +, ?, {n,m}, with lazy ? or possessive +. */
  private quantifier(): void {
    const s = this.src;
    if (this.mode.x) {
      while (this.pos < s.length && /\s/.test(s[this.pos]!)) this.pos++;
    }
    let q: string | null = null;
    const c = s[this.pos];
    if (c === '*' || c === '+' || c === '?') {
      q = c;
      this.pos++;
    } else if (c === '{') {
      const m = matchAt(RE_QUANT, s, this.pos);
      if (m !== null) {
        if (m[3] !== undefined && m[3] !== '' && Number(m[3]) < Number(m[1])) {
          throw new Unsupported(`quantifier ${m[0]} has its numbers out of order`);
        }
        q = m[0];
        this.pos += m[0].length;
      }
    }
    if (q === null) return;
    let lazy = false;
    const next = s[this.pos];
    if (next === '?') {
      lazy = true;
      this.pos++;
    } else if (next === '+') {
      this.exact = false; // possessive: no backtracking into it; approximated as greedy
      this.pos++;
    }
    if (this.mode.U && next !== '+') lazy = !lazy;
    this.out += q + (lazy ? '?' : '');
    const after = this.src[this.pos];
    if (after === '*' || after === '+' || after === '?') throw new Unsupported('quantifier follows a quantifier');
  }

  private readHex2(): number {
    const m = matchAt(RE_HEX2, this.src, this.pos)!;
    this.pos += m[0].length;
    return m[0] === '' ? 0 : Number.parseInt(m[0], 16);
  }

  /** An escape outside a class. */
  private escape(): void {
    const s = this.src;
    this.pos++; // backslash
    if (this.pos >= s.length) throw new Unsupported('pattern ends with a backslash');
    const c = s[this.pos]!;
    this.pos++;
    switch (c) {
      case 'A':
        this.out += this.anchors.subjectStart;
        return;
      case 'z':
        this.out += this.anchors.subjectEnd;
        return;
      case 'Z':
        this.out += this.anchors.endOrFinalNewline;
        return;
      case 's':
        this.out += '[\\t\\n\\v\\f\\r ]';
        return;
      case 'S':
        this.out += '[^\\t\\n\\v\\f\\r ]';
        return;
      case 'h':
        this.out += '[\\t \\xa0]';
        return;
      case 'H':
        this.out += '[^\\t \\xa0]';
        return;
      case 'v':
        this.out += '[\\n\\v\\f\\r\\x85]';
        return;
      case 'V':
        this.out += '[^\\n\\v\\f\\r\\x85]';
        return;
      case 'R':
        this.out += '(?:\\r\\n|[\\n\\v\\f\\r\\x85])';
        return;
      case 'N':
        this.out += '[^\\n]';
        return;
      case 'd':
      case 'D':
      case 'w':
      case 'W':
      case 'b':
      case 'B':
        this.out += `\\${c}`;
        return;
      case 'Q': {
        const end = s.indexOf('\\E', this.pos);
        const text = end < 0 ? s.slice(this.pos) : s.slice(this.pos, end);
        this.pos = end < 0 ? s.length : end + 2;
        // Each quoted character is its own atom; only the last one takes a following quantifier.
        const codes = [...text].map((ch) => ch.charCodeAt(0));
        if (codes.length === 0) return;
        codes.forEach((code) => {
          this.emitLiteral(code);
        });
        return;
      }
      case 'E':
        return;
      case 'g':
      case 'k':
        this.backref(c);
        return;
      case 'G':
      case 'K':
      case 'p':
      case 'P':
      case 'X':
      case 'C':
      case 'u':
      case 'U':
      case 'L':
      case 'l':
        throw new Unsupported(`\\${c} is not supported`);
      default: {
        const code = this.escapedCode(c);
        if (code !== null) {
          this.emitLiteral(code);
          return;
        }
        if (/[1-9]/.test(c)) {
          // Back reference (or octal when the group does not exist, as PCRE reads it).
          let digits = c;
          while (/[0-9]/.test(s[this.pos] ?? '')) digits += s[this.pos++];
          this.out += `(?:\\${Number(digits)})`;
          return;
        }
        if (/[A-Za-z]/.test(c)) throw new Unsupported(`unknown escape \\${c}`);
        this.emitLiteral(c.charCodeAt(0));
      }
    }
  }

  /**
   * Escapes that stand for one character: \t \n \r \f \e \a \0oo \o{..} \xhh \x{..} \cX.
   * Returns null for anything else (the caller handles classes, backrefs...).
   */
  private escapedCode(c: string): number | null {
    const s = this.src;
    switch (c) {
      case 't':
        return 0x09;
      case 'n':
        return 0x0a;
      case 'r':
        return 0x0d;
      case 'f':
        return 0x0c;
      case 'e':
        return 0x1b;
      case 'a':
        return 0x07;
      case '0': {
        const m = matchAt(RE_OCT2, s, this.pos)!;
        this.pos += m[0].length;
        return m[0] === '' ? 0 : Number.parseInt(m[0], 8);
      }
      case 'o': {
        const m = matchAt(RE_OCT_BRACE, s, this.pos);
        if (m === null) throw new Unsupported('malformed \\o{...}');
        this.pos += m[0].length;
        const v = Number.parseInt(m[1]!, 8);
        if (v > 0xff) throw new Unsupported(`\\o{${m[1]}} is above 0xff (no UTF mode)`);
        return v;
      }
      case 'x': {
        if (s[this.pos] === '{') {
          const m = matchAt(RE_HEX_BRACE, s, this.pos);
          if (m === null) throw new Unsupported('malformed \\x{...}');
          this.pos += m[0].length;
          const v = Number.parseInt(m[1]!, 16);
          if (v > 0xff) throw new Unsupported(`\\x{${m[1]}} is above 0xff (no UTF mode)`);
          return v;
        }
        return this.readHex2();
      }
      case 'c': {
        const ch = s[this.pos];
        if (ch === undefined) throw new Unsupported('\\c at end of pattern');
        this.pos++;
        return ch.toUpperCase().charCodeAt(0) ^ 0x40;
      }
      default:
        return null;
    }
  }

  /** \g{N} \gN \g{-N} \g{name} \k<name> \k'name' \k{name}. */
  private backref(kind: string): void {
    const src = this.src;
    let m: RegExpExecArray | null;
    if (kind === 'g') {
      m = matchAt(RE_G_NUM, src, this.pos);
      if (m !== null) {
        this.pos += m[0].length;
        let n = Number(m[1] ?? m[2]);
        if (n < 0) n = this.groupCount + 1 + n;
        if (n <= 0) throw new Unsupported(`back reference ${m[0]} points before the first group`);
        this.out += `(?:\\${n})`;
        return;
      }
      m = matchAt(RE_G_NAME, src, this.pos);
    } else {
      m = matchAt(RE_K_NAME, src, this.pos);
    }
    if (m === null) throw new Unsupported(`malformed \\${kind} reference`);
    this.pos += m[0].length;
    this.out += `\\k<${m[1] ?? m[2] ?? m[3]}>`;
  }

  private group(): void {
    const s = this.src;
    const rest = s.slice(this.pos, this.pos + 8);
    const inherit = (): Mode => ({ ...this.mode });
    if (!rest.startsWith('(?')) {
      this.pos++;
      this.groupCount++;
      this.modes.push(inherit());
      this.out += '(';
      return;
    }
    if (rest.startsWith('(?#')) {
      const end = s.indexOf(')', this.pos);
      if (end < 0) throw new Unsupported('unterminated (?# comment');
      this.pos = end + 1;
      return;
    }
    for (const [open, js] of [
      ['(?:', '(?:'],
      ['(?=', '(?='],
      ['(?!', '(?!'],
      ['(?<=', '(?<='],
      ['(?<!', '(?<!'],
    ] as const) {
      if (rest.startsWith(open)) {
        this.pos += open.length;
        this.modes.push(inherit());
        this.out += js;
        return;
      }
    }
    if (rest.startsWith('(?>')) {
      this.exact = false; // atomic group approximated by a plain group
      this.pos += 3;
      this.modes.push(inherit());
      this.out += '(?:';
      return;
    }
    let m = matchAt(RE_NAMED_GROUP, s, this.pos);
    if (m !== null) {
      this.pos += m[0].length;
      this.groupCount++;
      this.modes.push(inherit());
      this.out += `(?<${m[1] ?? m[2] ?? m[3]}>`;
      return;
    }
    m = matchAt(RE_NAMED_REF, s, this.pos);
    if (m !== null) {
      this.pos += m[0].length;
      this.out += `\\k<${m[1]}>`;
      this.quantifier();
      return;
    }
    m = matchAt(RE_INLINE, s, this.pos);
    if (m !== null) {
      this.pos += m[0].length;
      const next = inherit();
      const apply = (letters: string, on: boolean): void => {
        for (const l of letters) {
          if (l === 'i') next.i = on;
          else if (l === 's') next.s = on;
          else if (l === 'm') next.m = on;
          else if (l === 'x') next.x = on;
          else if (l === 'U') next.U = on;
          else throw new Unsupported(`inline option "${l}" is not supported`);
        }
      };
      apply(m[1]!, true);
      apply(m[2] ?? '', false);
      if (m[3] === ')') {
        // Applies to the rest of the enclosing group.
        this.modes[this.modes.length - 1] = next;
        if (next.i !== this.opts.caseless) this.mixedCase = true;
      } else {
        this.modes.push(next);
        this.out += '(?:';
      }
      return;
    }
    const what = rest.slice(0, 4);
    throw new Unsupported(`group syntax "${what}" (recursion, conditionals, branch reset) is not supported`);
  }

  /** A character class, translated to a JS class. */
  private charClass(): void {
    const s = this.src;
    this.pos++; // [
    let negate = false;
    if (s[this.pos] === '^') {
      negate = true;
      this.pos++;
    }
    const parts: string[] = [];
    /** Literal code ranges, for spelling out case when needed. */
    const ranges: [number, number][] = [];
    let first = true;
    let prevCode: number | null = null;
    for (;;) {
      if (this.pos >= s.length) throw new Unsupported('missing "]"');
      const c = s[this.pos]!;
      if (c === ']' && !first) {
        this.pos++;
        break;
      }
      first = false;
      // POSIX class
      const posix = c === '[' ? matchAt(RE_POSIX, s, this.pos) : null;
      if (posix !== null) {
        if (posix[1] === '^') throw new Unsupported(`negated POSIX class [:^${posix[2]}:] is not supported`);
        const body = Object.hasOwn(POSIX, posix[2]!) ? POSIX[posix[2]!] : undefined;
        if (body === undefined) throw new Unsupported(`unknown POSIX class [:${posix[2]}:]`);
        parts.push(body);
        if (posix[2] === 'upper' || posix[2] === 'lower') this.noteCase();
        if (this.mode.i && (posix[2] === 'upper' || posix[2] === 'lower')) parts.push('a-zA-Z');
        this.pos += posix[0].length;
        prevCode = null;
        continue;
      }
      // Range "a-z": prevCode set and '-' followed by a non-']' character.
      if (c === '-' && prevCode !== null && s[this.pos + 1] !== undefined && s[this.pos + 1] !== ']') {
        this.pos++;
        const hi = this.classChar();
        if (hi === null) throw new Unsupported('invalid range in character class');
        if (hi < prevCode) throw new Unsupported('range out of order in character class');
        parts.push(`-${lit(hi)}`);
        ranges[ranges.length - 1]![1] = hi;
        prevCode = null;
        continue;
      }
      const code = this.classChar(parts);
      if (code === null) {
        prevCode = null;
        continue;
      }
      parts.push(lit(code));
      ranges.push([code, code]);
      prevCode = code;
    }
    if (this.mode.i && ranges.some(([lo, hi]) => lo <= 0x7a && hi >= 0x41)) this.noteCase();
    if (this.mode.i && this.caseMode === 'expand') {
      for (const [lo, hi] of ranges) {
        for (const [a, z] of [
          [0x41, 0x5a],
          [0x61, 0x7a],
        ] as const) {
          const from = Math.max(lo, a);
          const to = Math.min(hi, z);
          if (from <= to) parts.push(`${lit(otherCase(from))}-${lit(otherCase(to))}`);
        }
      }
    }
    this.out += `[${negate ? '^' : ''}${parts.join('')}]`;
  }

  /**
   * One class member at pos. Returns its code for a single character; for a class escape
   * (\d, \s...) pushes the JS text to `parts` and returns null.
   */
  private classChar(parts?: string[]): number | null {
    const s = this.src;
    const c = s[this.pos]!;
    if (c !== '\\') {
      this.pos++;
      const code = c.charCodeAt(0);
      if (code >= 0x80) {
        // PCRE without UTF sees each UTF-8 byte of the rule file as a class member.
        const bytes = [...Buffer.from(c, 'utf8')];
        if (parts === undefined) throw new Unsupported('non-ASCII character cannot end a range');
        for (const byte of bytes.slice(0, -1)) parts.push(lit(byte));
        return bytes[bytes.length - 1]!;
      }
      return code;
    }
    this.pos++;
    const e = s[this.pos];
    if (e === undefined) throw new Unsupported('pattern ends with a backslash');
    this.pos++;
    const push = (t: string): null => {
      if (parts === undefined) throw new Unsupported(`\\${e} cannot end a range`);
      parts.push(t);
      return null;
    };
    switch (e) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        return push(`\\${e}`);
      case 's':
        return push('\\t\\n\\v\\f\\r ');
      case 'S':
        this.exact = false; // JS \S inside a class also excludes NBSP
        return push('\\S');
      case 'h':
        return push('\\t \\xa0');
      case 'v':
        return push('\\n\\v\\f\\r\\x85');
      case 'b':
        return 0x08;
      case 'Q': {
        const end = s.indexOf('\\E', this.pos);
        const text = end < 0 ? s.slice(this.pos) : s.slice(this.pos, end);
        this.pos = end < 0 ? s.length : end + 2;
        for (const ch of text) push(lit(ch.charCodeAt(0)));
        return null;
      }
      case 'E':
        return push('');
      case 'H':
      case 'V':
      case 'N':
      case 'R':
      case 'p':
      case 'P':
        throw new Unsupported(`\\${e} is not supported inside a character class`);
      default: {
        const code = this.escapedCode(e);
        if (code !== null) return code;
        if (/[1-7]/.test(e)) {
          // Octal inside a class (no back references there).
          const m = matchAt(RE_OCT2, s, this.pos)!;
          this.pos += m[0].length;
          return Number.parseInt(e + m[0], 8) & 0xff;
        }
        if (/[A-Za-z0-9]/.test(e)) throw new Unsupported(`unknown escape \\${e} in character class`);
        return e.charCodeAt(0);
      }
    }
  }
}
