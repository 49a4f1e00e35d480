// The YAML config file: schema, defaults and validation. Every problem is reported with
// its path in the document (`decoder.vxlan.ports[0]: must be <= 65535`), and a file with
// any problem is rejected whole.

import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { DEFAULT_DECODER_CONFIG, type DecoderConfig } from './decode/defaults.js';

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
}

export const EVE_TYPES = ['alert', 'anomaly', 'flow', 'stats'] as const;

export function defaultConfig(): VsidsConfig {
  return {
    capture: { snaplen: 65535, bufferSize: 64 * 1024 * 1024 },
    decoder: structuredClone(DEFAULT_DECODER_CONFIG),
    eve: { types: ['alert', 'anomaly', 'flow', 'stats'] },
    statsInterval: 8,
  };
}

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
