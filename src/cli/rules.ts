// `vsids rules check PATH... [--var NAME=VALUE]...` (design/CLI.md): parse rule files and
// directories of *.rules, print `file:line: error` for each rejected rule, then
// `N rules loaded, M rejected (from K files)`. Exit 1 if any rule was rejected or a path cannot
// be read, 0 otherwise; a malformed --var is a usage error (2).

import type { Command } from 'commander';
import { formatRejected, loadRules, RuleFileError } from '../detect/rules/loader.js';
import { checkVars, defaultVars, parseVarAssignment, varsWith } from '../detect/rules/vars.js';
import { EXIT_ERROR, EXIT_OK, UsageError } from './common.js';

export interface RulesCheckOptions {
  var?: string[];
}

export function rulesCheckCommand(paths: string[], opts: RulesCheckOptions): number {
  const overrides = (opts.var ?? []).map((v) => {
    try {
      return parseVarAssignment(v);
    } catch (err) {
      throw new UsageError(`--var: ${(err as Error).message}`);
    }
  });
  const vars = varsWith(defaultVars(), overrides);
  const problems = checkVars(vars);
  if (problems.length > 0) throw new UsageError(`--var: ${problems[0]}`);

  let result: ReturnType<typeof loadRules>;
  try {
    result = loadRules(paths, vars);
  } catch (err) {
    if (err instanceof RuleFileError) {
      process.stderr.write(`vsids: rules check: ${err.message}\n`);
      return EXIT_ERROR;
    }
    throw err;
  }
  let out = '';
  for (const r of result.rejected) out += `${formatRejected(r)}\n`;
  const n = result.files.length;
  const files = `${n} file${n === 1 ? '' : 's'}`;
  out += `${result.rules.length} rules loaded, ${result.rejected.length} rejected (from ${files})\n`;
  process.stdout.write(out);
  return result.rejected.length > 0 ? EXIT_ERROR : EXIT_OK;
}

/** Register `rules` (with its `check` subcommand) on the program. */
export function registerRulesCommand(program: Command, setCode: (code: number) => void): void {
  const rules = program.command('rules').description('work with Suricata-syntax rule files');
  rules
    .command('check')
    .description('parse rule files/directories and report every rejected rule as file:line: error')
    .argument('<paths...>', 'rule files or directories of *.rules')
    .option(
      '--var <NAME=VALUE>',
      'rule variable, e.g. --var HOME_NET=[10.0.0.0/8] (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .action((paths: string[], opts: RulesCheckOptions) => setCode(rulesCheckCommand(paths, opts)));
}
