// The YAML config file: schema, defaults and validation. Every problem is reported with
// its path in the document (`decoder.vxlan.ports[0]: must be <= 65535`), and a file with
// any problem is rejected whole.

import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { DEFAULT_DECODER_CONFIG, type DecoderConfig } from './decode/defaults.js';
import { DEFAULT_DEDUP_CONFIG, type DedupConfig } from './flow/dedup.js';
import { DEFAULT_DEFRAG_CONFIG, type DefragConfig, type DefragPolicy } from './flow/defrag.js';
import { DEFAULT_FLOW_ENGINE_CONFIG, type FlowEngineConfig } from './flow/engine.js';

export interface VsidsConfig {
  /** Written as `host` on every EVE record (Suricata's sensor-name). */
  sensorName?: string;
  capture: {
    interface?: string;
    bpf?: string;
    snaplen: number;
    bufferSize: number;
  };
  decoder: DecoderConfig;
  eve: {
    path?: string;
    types: string[];
  };
  /** Seconds between periodic stats records in `run`. */
  statsInterval: number;
  flow: FlowEngineConfig;
  dedup: DedupConfig;
  defrag: Omit<DefragConfig, 'onAnomaly'>;
  /** Signature rules (Suricata's `rule-files` and `vars`). */
  rules: {
    /** Rule files / directories; empty = the bundled signatures/. */
    files: string[];
    /** Load the bundled signatures/ as well as `files`. */
    withDefault: boolean;
    /** Load no rules at all from signatures/. */
    noDefault: boolean;
    /** Address and port variables (HOME_NET, HTTP_PORTS, ...). */
    vars: Record<string, string>;
  };
}

export const EVE_TYPES = ['alert', 'anomaly', 'flow', 'stats', 'http', 'dns', 'tls', 'ssh', 'dhcp'] as const;
export const APP_PROTOCOLS = ['http', 'dns', 'tls', 'ssh', 'dhcp'] as const;

export function defaultConfig(): VsidsConfig {
  return {
    capture: { snaplen: 65535, bufferSize: 64 * 1024 * 1024 },
    decoder: structuredClone(DEFAULT_DECODER_CONFIG),
    eve: { types: ['alert', 'anomaly', 'flow', 'stats'] },
    statsInterval: 8,
    flow: {
      ...DEFAULT_FLOW_ENGINE_CONFIG,
      table: structuredClone(DEFAULT_FLOW_ENGINE_CONFIG.table),
      key: { ...DEFAULT_FLOW_ENGINE_CONFIG.key },
      reassembly: { ...DEFAULT_FLOW_ENGINE_CONFIG.reassembly },
      appLimits: { ...DEFAULT_FLOW_ENGINE_CONFIG.appLimits },
    },
    dedup: { ...DEFAULT_DEDUP_CONFIG },
    defrag: { ...DEFAULT_DEFRAG_CONFIG },
    rules: { files: [], withDefault: false, noDefault: false, vars: {} },
  };
}

const seconds = { type: 'number', minimum: 0 };
const stateTimeouts = {
  type: 'object',
  additionalProperties: false,
  properties: { new: seconds, established: seconds, closed: seconds },
};

const port = { type: 'integer', minimum: 1, maximum: 65535 };
const tunnel = {
  type: 'object',
  additionalProperties: false,
  properties: { enabled: { type: 'boolean' }, ports: { type: 'array', items: port, minItems: 1 } },
};

const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    'sensor-name': { type: 'string', minLength: 1 },
    capture: {
      type: 'object',
      additionalProperties: false,
      properties: {
        interface: { type: 'string', minLength: 1 },
        bpf: { type: 'string' },
        snaplen: { type: 'integer', minimum: 64, maximum: 262144 },
        'buffer-size': { type: 'integer', minimum: 65536 },
      },
    },
    decoder: {
      type: 'object',
      additionalProperties: false,
      properties: { vxlan: tunnel, geneve: tunnel },
    },
    eve: {
      type: 'object',
      additionalProperties: false,
      properties: {
        path: { type: 'string', minLength: 1 },
        types: { type: 'array', items: { enum: [...EVE_TYPES] } },
      },
    },
    stats: {
      type: 'object',
      additionalProperties: false,
      properties: { interval: { type: 'number', exclusiveMinimum: 0 } },
    },
    'rule-files': { type: 'array', items: { type: 'string', minLength: 1 } },
    'default-rules': { type: 'boolean' },
    vars: {
      type: 'object',
      additionalProperties: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
    },
    flow: {
      type: 'object',
      additionalProperties: false,
      properties: {
        'max-flows': { type: 'integer', minimum: 16 },
        memcap: { type: 'integer', minimum: 1048576 },
        'vlan-in-key': { type: 'boolean' },
        'tunnel-in-key': { type: 'boolean' },
        timeouts: {
          type: 'object',
          additionalProperties: false,
          properties: { tcp: stateTimeouts, udp: stateTimeouts, icmp: stateTimeouts, default: stateTimeouts },
        },
      },
    },
    stream: {
      type: 'object',
      additionalProperties: false,
      properties: {
        midstream: { type: 'boolean' },
        'reassembly-depth': { type: 'integer', minimum: 0 },
        'retransmission-history': { type: 'integer', minimum: 0, maximum: 1048576 },
      },
    },
    dedup: {
      type: 'object',
      additionalProperties: false,
      properties: { enabled: { type: 'boolean' }, window: { type: 'number', minimum: 0, maximum: 1 } },
    },
    defrag: {
      type: 'object',
      additionalProperties: false,
      properties: {
        timeout: { type: 'number', exclusiveMinimum: 0 },
        'max-trackers': { type: 'integer', minimum: 1 },
        memcap: { type: 'integer', minimum: 65536 },
        policy: { enum: ['bsd', 'first', 'last', 'linux', 'windows', 'solaris'] },
      },
    },
    'app-layer': {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean' },
        protocols: { type: 'array', items: { enum: [...APP_PROTOCOLS] } },
      },
    },
  },
} as const;

// The YAML parser and the validator are loaded only when a config file is given: they cost
// more start-up time than a short replay takes.
let validator: ValidateFunction | undefined;
async function getValidator(): Promise<ValidateFunction> {
  if (validator === undefined) {
    const { Ajv } = await import('ajv');
    validator = new Ajv({ allErrors: true, strict: true }).compile(SCHEMA);
  }
  return validator;
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** `/decoder/vxlan/ports/0` -> `decoder.vxlan.ports[0]` */
function jsonPointerToPath(pointer: string): string {
  let out = '';
  for (const part of pointer.split('/').slice(1)) out += /^\d+$/.test(part) ? `[${part}]` : out ? `.${part}` : part;
  return out;
}

function describeError(e: ErrorObject): string {
  let path = jsonPointerToPath(e.instancePath);
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    return `${path ? `${path}.` : ''}${extra}: unknown setting`;
  }
  if (path === '') path = '(top level)';
  return `${path}: ${e.message ?? 'invalid'}`;
}

/** Parse and validate a config document; `file` names it in errors. */
export async function parseConfig(text: string, file: string): Promise<VsidsConfig> {
  const { parse: parseYaml } = await import('yaml');
  const validate = await getValidator();
  let doc: unknown;
  try {
    doc = parseYaml(text) ?? {};
  } catch (err) {
    throw new ConfigError(file, [`not valid YAML: ${(err as Error).message.split('\n')[0]}`]);
  }
  if (!validate(doc)) throw new ConfigError(file, (validate.errors ?? []).map(describeError));
  const d = doc as Record<string, Record<string, unknown> | string | undefined>;
  const cfg = defaultConfig();
  if (typeof d['sensor-name'] === 'string') cfg.sensorName = d['sensor-name'];
  const cap = (d.capture ?? {}) as Record<string, unknown>;
  if (cap.interface !== undefined) cfg.capture.interface = cap.interface as string;
  if (cap.bpf !== undefined) cfg.capture.bpf = cap.bpf as string;
  if (cap.snaplen !== undefined) cfg.capture.snaplen = cap.snaplen as number;
  if (cap['buffer-size'] !== undefined) cfg.capture.bufferSize = cap['buffer-size'] as number;
  const dec = (d.decoder ?? {}) as Record<string, { enabled?: boolean; ports?: number[] } | undefined>;
  for (const name of ['vxlan', 'geneve'] as const) {
    const t = dec[name];
    if (t?.enabled !== undefined) cfg.decoder[name].enabled = t.enabled;
    if (t?.ports !== undefined) cfg.decoder[name].ports = t.ports;
  }
  const eve = (d.eve ?? {}) as Record<string, unknown>;
  if (eve.path !== undefined) cfg.eve.path = eve.path as string;
  if (eve.types !== undefined) cfg.eve.types = eve.types as string[];
  const stats = (d.stats ?? {}) as Record<string, unknown>;
  if (stats.interval !== undefined) cfg.statsInterval = stats.interval as number;
  applyFlowSettings(cfg, d as Record<string, unknown>);
  const ruleFiles = (d as Record<string, unknown>)['rule-files'] as string[] | undefined;
  if (ruleFiles !== undefined) cfg.rules.files = ruleFiles;
  const defaultRules = (d as Record<string, unknown>)['default-rules'] as boolean | undefined;
  if (defaultRules === false) cfg.rules.noDefault = true;
  else if (defaultRules === true && ruleFiles !== undefined) cfg.rules.withDefault = true;
  const vars = (d as Record<string, unknown>).vars as Record<string, string | number> | undefined;
  if (vars !== undefined) for (const [k, v] of Object.entries(vars)) cfg.rules.vars[k] = String(v);
  return cfg;
}

export async function loadConfig(file: string): Promise<VsidsConfig> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(err)]);
  }
  return parseConfig(text, file);
}

type Section = Record<string, unknown> | undefined;

/** The flow, stream, dedup, defrag and app-layer sections (already validated). */
function applyFlowSettings(cfg: VsidsConfig, d: Record<string, unknown>): void {
  const flow = d.flow as Section;
  if (flow?.['max-flows'] !== undefined) cfg.flow.table.maxFlows = flow['max-flows'] as number;
  if (flow?.memcap !== undefined) cfg.flow.table.memcapBytes = flow.memcap as number;
  if (flow?.['vlan-in-key'] !== undefined) cfg.flow.key.vlanInKey = flow['vlan-in-key'] as boolean;
  if (flow?.['tunnel-in-key'] !== undefined) cfg.flow.key.tunnelInKey = flow['tunnel-in-key'] as boolean;
  const timeouts = flow?.timeouts as Record<string, Record<string, number>> | undefined;
  for (const proto of ['tcp', 'udp', 'icmp', 'default'] as const) {
    for (const state of ['new', 'established', 'closed'] as const) {
      const v = timeouts?.[proto]?.[state];
      if (v !== undefined) cfg.flow.table.timeouts[proto][state] = v;
    }
  }
  const stream = d.stream as Section;
  if (stream?.midstream !== undefined) cfg.flow.midstream = stream.midstream as boolean;
  if (stream?.['reassembly-depth'] !== undefined) cfg.flow.reassembly.depth = stream['reassembly-depth'] as number;
  if (stream?.['retransmission-history'] !== undefined) {
    cfg.flow.reassembly.initialCompare = stream['retransmission-history'] as number;
  }
  const dedup = d.dedup as Section;
  if (dedup?.enabled !== undefined) cfg.dedup.enabled = dedup.enabled as boolean;
  if (dedup?.window !== undefined) cfg.dedup.windowSec = dedup.window as number;
  const defrag = d.defrag as Section;
  if (defrag?.timeout !== undefined) cfg.defrag.timeoutSec = defrag.timeout as number;
  if (defrag?.['max-trackers'] !== undefined) cfg.defrag.maxTrackers = defrag['max-trackers'] as number;
  if (defrag?.memcap !== undefined) cfg.defrag.memcapBytes = defrag.memcap as number;
  if (defrag?.policy !== undefined) cfg.defrag.policy = defrag.policy as DefragPolicy;
  const app = d['app-layer'] as Section;
  if (app?.enabled !== undefined) cfg.flow.appLayer = app.enabled as boolean;
  if (app?.protocols !== undefined) cfg.flow.appProtocols = new Set(app.protocols as string[]);
}
