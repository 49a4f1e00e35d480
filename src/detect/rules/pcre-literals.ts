// Literals every match of a pcre must contain, so a rule whose only positive match is a pcre
// can still be prefiltered: the rule is a candidate when one of its literals occurs in the
// buffer (Hyperscan's "literal factors", done conservatively on PCRE's syntax).
//
// A pattern is a choice of alternatives; each alternative is a sequence of items. A run of
// literal characters that the sequence must match in a row is one required literal; a group
// the sequence must match contributes the literals of its own alternatives. An alternative
// offers its best required piece (a run, or a group's set); the pattern's set is the union of
// its alternatives' pieces, and there is none when any alternative has nothing to offer. Any
// syntax this reader does not follow exactly (inline options, \Q..\E, extended mode...) gives
// no literals: the rule stays unprefiltered, as before, never wrongly filtered.

/** Literals shorter than this are not worth a prefilter (and would weaken the MPM's). */
const MIN_LITERAL = 3;
/** Keep the automaton small: a pattern with more alternatives than this is not prefiltered. */
const MAX_LITERALS = 32;

/** Bail-out marker: the pattern uses syntax the reader does not follow. */
class Unsupported extends Error {}

/** Required literals (latin1 bytes) of a pcre, or null when none can be proven. */
export function pcreLiterals(source: string, extended: boolean): Uint8Array[] | null {
  if (extended) return null;
  try {
    const r = new Reader(source);
    const set = r.alternation();
    if (r.pos !== source.length) return null; // an unbalanced ')'
    if (set === null || set.length > MAX_LITERALS) return null;
    return set.map((s) => Uint8Array.from(Buffer.from(s, 'latin1')));
  } catch (err) {
    if (err instanceof Unsupported) return null;
    throw err;
  }
}

/** The weakest literal of a set decides how selective it is. */
function strength(set: readonly string[]): number {
  let min = Infinity;
  for (const s of set) if (s.length < min) min = s.length;
  return set.length === 0 ? 0 : min;
}

function better(a: string[] | null, b: string[] | null): string[] | null {
  if (b === null || strength(b) < MIN_LITERAL) return a;
  if (a === null) return b;
  const sa = strength(a);
  const sb = strength(b);
  return sb > sa || (sb === sa && b.length < a.length) ? b : a;
}

const CLASS_ESCAPES = new Set(['d', 'D', 'w', 'W', 's', 'S', 'h', 'H', 'v', 'V', 'R', 'N', 'X', 'C']);
const ASSERT_ESCAPES = new Set(['b', 'B', 'A', 'z', 'Z', 'G', 'K']);

class Reader {
  pos = 0;
  constructor(private readonly src: string) {}

  private peek(k = 0): string {
    return this.src[this.pos + k] ?? '';
  }

  /** alternative ('|' alternative)*, up to ')' or the end. */
  alternation(): string[] | null {
    const out: string[] = [];
    let ok = true;
    for (;;) {
      const piece = this.sequence();
      if (piece === null) ok = false;
      else out.push(...piece);
      if (this.peek() !== '|') break;
      this.pos++;
    }
    return ok ? [...new Set(out)] : null;
  }

  /** Items up to '|' or ')' or the end: the best required piece. */
  private sequence(): string[] | null {
    let best: string[] | null = null;
    let run = '';
    const endRun = (): void => {
      if (run.length > 0) best = better(best, [run]);
      run = '';
    };
    while (this.pos < this.src.length) {
      const c = this.peek();
      if (c === '|' || c === ')') break;
      if (c === '(') {
        endRun();
        const set = this.group();
        const q = this.quantifier();
        if (q.min >= 1 && set !== null) best = better(best, set);
        continue;
      }
      if (c === '[') {
        endRun();
        this.skipClass();
        this.quantifier();
        continue;
      }
      if (c === '.' || c === '^' || c === '$') {
        this.pos++;
        endRun();
        this.quantifier();
        continue;
      }
      if (c === '*' || c === '+' || c === '?') throw new Unsupported(); // a quantifier with nothing before it
      if (c === '{' && this.quantifierAhead()) throw new Unsupported();
      const lit = this.literal();
      if (lit === null) {
        endRun();
        this.quantifier();
        continue;
      }
      const q = this.quantifier();
      if (q.min === 0) {
        endRun();
      } else if (q.max === 1) {
        run += lit;
      } else {
        // Repeated: required once here, but what follows need not come right after it.
        run += lit;
        endRun();
      }
    }
    endRun();
    return best;
  }

  /** A literal character at pos (consumed), or null for an escape that is a class or assertion. */
  private literal(): string | null {
    const c = this.peek();
    if (c !== '\\') {
      this.pos++;
      return c;
    }
    const e = this.peek(1);
    if (e === '') throw new Unsupported();
    if (CLASS_ESCAPES.has(e) || ASSERT_ESCAPES.has(e)) {
      this.pos += 2;
      return null;
    }
    if (e === 'x') {
      const m = /^[0-9a-fA-F]{1,2}/.exec(this.src.slice(this.pos + 2));
      if (m === null || this.peek(2) === '{') throw new Unsupported();
      this.pos += 2 + m[0].length;
      return String.fromCharCode(Number.parseInt(m[0], 16));
    }
    if (e === 't') return this.simple('\t');
    if (e === 'n') return this.simple('\n');
    if (e === 'r') return this.simple('\r');
    if (e === 'f') return this.simple('\f');
    if (e === 'e') return this.simple('\x1b');
    if (e === 'a') return this.simple('\x07');
    // Letters and digits after '\' are classes, back-references, \Q, \p, \c ...: not followed.
    if (/[0-9A-Za-z]/.test(e)) throw new Unsupported();
    // Any other escaped character stands for itself.
    this.pos += 2;
    return e;
  }

  private simple(ch: string): string {
    this.pos += 2;
    return ch;
  }

  /** '(' ... ')': the group's literal set (null: none); lookarounds and options give none. */
  private group(): string[] | null {
    this.pos++; // (
    if (this.peek() === '?') {
      const rest = this.src.slice(this.pos);
      const named = /^\?(?:P?<[A-Za-z_][A-Za-z0-9_]*>|'[A-Za-z_][A-Za-z0-9_]*')/.exec(rest);
      if (rest.startsWith('?:')) this.pos += 2;
      else if (named !== null) this.pos += named[0].length;
      else if (/^\?(?:=|!|<=|<!)/.test(rest)) {
        // A look-around consumes nothing: skip it whole.
        this.pos += rest[1] === '<' ? 3 : 2;
        this.alternation();
        this.expect(')');
        return null;
      } else throw new Unsupported(); // inline options, atomic groups, conditionals, comments
    }
    const set = this.alternation();
    this.expect(')');
    return set;
  }

  private expect(ch: string): void {
    if (this.peek() !== ch) throw new Unsupported();
    this.pos++;
  }

  /** Skip a character class '[...]' (']' first, or after '^', is a member). */
  private skipClass(): void {
    this.pos++; // [
    if (this.peek() === '^') this.pos++;
    if (this.peek() === ']') this.pos++;
    while (this.pos < this.src.length) {
      const c = this.peek();
      if (c === '\\') {
        this.pos += 2;
        continue;
      }
      if (c === '[' && this.peek(1) === ':') {
        const close = this.src.indexOf(':]', this.pos + 2);
        if (close < 0) throw new Unsupported();
        this.pos = close + 2;
        continue;
      }
      this.pos++;
      if (c === ']') return;
    }
    throw new Unsupported();
  }

  private quantifierAhead(): boolean {
    return /^\{\d+(?:,\d*)?\}/.test(this.src.slice(this.pos));
  }

  /** An optional quantifier after an item: its minimum and maximum count (max Infinity). */
  private quantifier(): { min: number; max: number } {
    const c = this.peek();
    let q: { min: number; max: number };
    if (c === '*') q = { min: 0, max: Infinity };
    else if (c === '+') q = { min: 1, max: Infinity };
    else if (c === '?') q = { min: 0, max: 1 };
    else if (c === '{' && this.quantifierAhead()) {
      const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(this.src.slice(this.pos))!;
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      this.pos += m[0].length - 1;
      q = { min, max };
    } else return { min: 1, max: 1 };
    this.pos++;
    // lazy or possessive suffix
    if (this.peek() === '?' || this.peek() === '+') this.pos++;
    return q;
  }
}
