// Load rule files and directories of *.rules. Lines: `#` comments and blank lines are skipped; a
// line ending in `\` continues on the next one (the rule is reported at its FIRST line). A rule
// that does not parse is reported as file:line with the parser's message and skipped; the rest
// load. A (gid, sid) seen twice: the later rule is rejected, naming where the first one is.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ClassificationTable } from './classification.js';
import { parseRule } from './parser.js';
import { type Rule, RuleError } from './types.js';
import type { Vars } from './vars.js';

export interface RejectedRule {
  readonly file: string;
  /** 1-based line where the rule starts. */
  readonly line: number;
  readonly message: string;
  readonly text: string;
}

export interface LoadResult {
  readonly rules: Rule[];
  readonly rejected: RejectedRule[];
  /** Every rule file read, in load order. */
  readonly files: string[];
}

export interface LoadOptions {
  classifications?: ClassificationTable;
}

/** A path that cannot be read (missing file, unreadable directory). */
export class RuleFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleFileError';
  }
}

/** One rule's text with the line it starts on. */
export interface RuleText {
  readonly line: number;
  readonly text: string;
}

/**
 * Split a rule file into rule texts: skip comments and blank lines, join `\` continuations.
 * Unterminated continuation at end of file is returned as a rule (the parser then reports it).
 */
export function splitRuleLines(content: string): RuleText[] {
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  const out: RuleText[] = [];
  let pending: string | null = null;
  let start = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (pending === null) {
      const t = line.trim();
      if (t === '' || t.startsWith('#')) continue;
      start = i + 1;
    }
    const trimmed = line.replace(/\s+$/, '');
    const body: string = pending === null ? trimmed.replace(/^\s+/, '') : trimmed;
    if (body.endsWith('\\')) {
      pending = `${pending ?? ''}${body.slice(0, -1)}`;
      continue;
    }
    out.push({ line: start, text: `${pending ?? ''}${body}` });
    pending = null;
  }
  if (pending !== null && pending.trim() !== '') out.push({ line: start, text: pending });
  return out;
}

/** Expand paths: files as given, directories to their *.rules files sorted by name. */
export function ruleFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p);
    } catch {
      throw new RuleFileError(`${p}: no such file or directory`);
    }
    if (st.isDirectory()) {
      let names: string[];
      try {
        names = readdirSync(p);
      } catch (err) {
        throw new RuleFileError(`${p}: cannot read directory (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
      for (const n of names.filter((n) => n.endsWith('.rules')).sort()) {
        const full = join(p, n);
        if (statSync(full).isFile()) files.push(full);
      }
    } else files.push(p);
  }
  return files;
}

/** Load rules from files and directories. Throws RuleFileError for a path that cannot be read. */
export function loadRules(paths: readonly string[], vars?: Vars, opts: LoadOptions = {}): LoadResult {
  const files = ruleFiles(paths);
  const rules: Rule[] = [];
  const rejected: RejectedRule[] = [];
  const seen = new Map<string, { file: string; line: number }>();
  for (const file of files) {
    let content: string;
    try {
      content = readFileSync(file, 'utf8');
    } catch (err) {
      throw new RuleFileError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    for (const { line, text } of splitRuleLines(content)) {
      try {
        const rule = parseRule(text, { vars, classifications: opts.classifications, file, line });
        const key = `${rule.gid}:${rule.sid}`;
        const first = seen.get(key);
        if (first !== undefined) {
          const gid = rule.gid === 1 ? '' : ` (gid ${rule.gid})`;
          throw new RuleError(`duplicate sid ${rule.sid}${gid} (first at ${first.file}:${first.line})`);
        }
        seen.set(key, { file, line });
        rules.push(rule);
      } catch (err) {
        if (!(err instanceof RuleError)) throw err;
        rejected.push({ file, line, message: err.message, text });
      }
    }
  }
  return { rules, rejected, files };
}

/** `file:line: message` as `rules check` prints it. */
export function formatRejected(r: RejectedRule): string {
  return `${r.file}:${r.line}: ${r.message}`;
}
