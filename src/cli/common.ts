// Pieces shared by the CLI commands: usage errors, option parsing, logging, config merge.

import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { EveWriter } from '../alerts/eve-writer.js';
import type { RecordContext } from '../alerts/records.js';
import { defaultConfig, EVE_TYPES, loadConfig, type VsidsConfig } from '../config.js';
import { defaultClassifications } from '../detect/rules/classification.js';
import { formatRejected, loadRules } from '../detect/rules/loader.js';
import type { Rule } from '../detect/rules/types.js';
import { checkVars, defaultVars, parseVarAssignment, varsWith } from '../detect/rules/vars.js';
import type { PipelineOptions } from '../pipeline.js';

/** A mistake in the command line: printed as one line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;

export function parsePositiveInt(value: string, option: string): number {
  if (!/^\d+$/.test(value) || Number(value) <= 0)
    throw new UsageError(`${option}: "${value}" is not a positive integer`);
  return Number(value);
}

export function parsePositiveNumber(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${option}: "${value}" is not a positive number`);
  return n;
}

export function parseEveTypes(value: string): string[] {
  const types = value
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  for (const t of types) {
    if (!(EVE_TYPES as readonly string[]).includes(t)) {
      throw new UsageError(`--eve-types: unknown event type "${t}" (known: ${EVE_TYPES.join(', ')})`);
    }
  }
  return types;
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** JSON logs on stderr; pretty-printed when stderr is a terminal. pino is loaded on first use. */
export async function makeLogger(level = 'info'): Promise<Logger> {
  if (!LEVELS.includes(level)) throw new UsageError(`--log-level: "${level}" is not one of ${LEVELS.join(', ')}`);
  const { pino } = await import('pino');
  if (process.stderr.isTTY) {
    return pino(
      { level, base: { name: 'vsids' } },
      pino.transport({ target: 'pino-pretty', options: { destination: 2 } }),
    );
  }
  return pino({ level, base: { name: 'vsids' } }, pino.destination({ fd: 2, sync: true }));
}

/** Options every pipeline command shares (run and replay). */
export interface PipelineCliOptions {
  config?: string;
  eve?: string;
  eveTypes?: string;
  sensorName?: string;
  logLevel?: string;
  /** --dedup (true) / --no-dedup (false). */
  dedup?: boolean;
  /** -S, --rules (repeatable). */
  rules?: string[];
  /** commander's negation of --no-default-rules. */
  defaultRules?: boolean;
  withDefaultRules?: boolean;
  var?: string[];
}

/** Config file (if any) with command-line options laid over it. */
export async function resolveConfig(opts: PipelineCliOptions): Promise<VsidsConfig> {
  const cfg = opts.config !== undefined ? await loadConfig(opts.config) : defaultConfig();
  if (opts.eve !== undefined) cfg.eve.path = opts.eve;
  if (opts.eveTypes !== undefined) cfg.eve.types = parseEveTypes(opts.eveTypes);
  if (opts.sensorName !== undefined) cfg.sensorName = opts.sensorName;
  if (opts.dedup !== undefined) cfg.dedup.enabled = opts.dedup;
  if (opts.rules !== undefined && opts.rules.length > 0) {
    cfg.rules.files = opts.rules;
    cfg.rules.withDefault = opts.withDefaultRules === true;
  } else if (opts.withDefaultRules === true) cfg.rules.withDefault = true;
  if (opts.defaultRules === false) cfg.rules.noDefault = true;
  for (const v of opts.var ?? []) {
    try {
      const [name, value] = parseVarAssignment(v);
      cfg.rules.vars[name] = value;
    } catch (err) {
      throw new UsageError(`--var: ${(err as Error).message}`);
    }
  }
  return cfg;
}

/** The bundled rule set (signatures/ next to the package). */
export const DEFAULT_RULES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'signatures');

export interface LoadedRules {
  rules: Rule[];
  rejected: number;
  files: string[];
}

/**
 * Load the rules the config names. Each rejected rule is logged as `file:line: message` and
 * skipped; a path that cannot be read is an error (exit 1) naming it.
 */
export function loadConfiguredRules(cfg: VsidsConfig, log: Logger): LoadedRules {
  const vars = varsWith(defaultVars(), Object.entries(cfg.rules.vars));
  const problems = checkVars(vars);
  if (problems.length > 0) throw new UsageError(`--var: ${problems[0]}`);
  const paths: string[] = [];
  const useDefault = !cfg.rules.noDefault && (cfg.rules.files.length === 0 || cfg.rules.withDefault);
  if (useDefault && existsSync(DEFAULT_RULES_DIR)) paths.push(DEFAULT_RULES_DIR);
  paths.push(...cfg.rules.files);
  if (paths.length === 0) return { rules: [], rejected: 0, files: [] };
  const result = loadRules(paths, vars);
  // One plain line per rejected rule, as `rules check` prints them.
  for (const r of result.rejected) process.stderr.write(`vsids: ${formatRejected(r)} (rule skipped)\n`);
  if (result.rejected.length > 0) log.debug({ rejected: result.rejected.length }, 'rules rejected');
  return { rules: result.rules, rejected: result.rejected.length, files: result.files };
}

/** Pipeline options from the resolved config. */
export function pipelineOptions(
  cfg: VsidsConfig,
  eve: EveWriter | undefined,
  context: RecordContext,
  rules?: LoadedRules,
): PipelineOptions {
  return {
    detect:
      rules !== undefined && rules.rules.length > 0
        ? { rules: rules.rules, classifications: defaultClassifications() }
        : undefined,
    detectRulesFailed: rules?.rejected ?? 0,
    eve,
    eveTypes: new Set(cfg.eve.types),
    context: { ...context, sensorName: cfg.sensorName },
    decoder: cfg.decoder,
    flow: cfg.flow,
    dedup: cfg.dedup,
    defrag: cfg.defrag,
  };
}

export function openEve(cfg: VsidsConfig): EveWriter | undefined {
  return cfg.eve.path !== undefined ? new EveWriter(cfg.eve.path) : undefined;
}
