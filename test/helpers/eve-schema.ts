// Ajv validator for ../shared/reference/eve.schema.json: Suricata's EVE schema (which
// rejects unknown fields) plus vsids's `vm` and `policy` objects.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { SHARED } from './cli.js';

let validator: ValidateFunction | undefined;

export function eveValidator(): ValidateFunction {
  if (validator) return validator;
  const schema = JSON.parse(readFileSync(join(SHARED, 'reference/eve.schema.json'), 'utf8')) as object;
  const ajv = new Ajv({ allErrors: true, strict: false });
  // Suricata annotates its schema with a "suricata" keyword (rule keyword hints): not a constraint.
  ajv.addKeyword('suricata');
  validator = ajv.compile(schema);
  return validator;
}

/** Validation problems of one EVE line, as readable strings (empty when valid). */
export function eveProblems(record: unknown): string[] {
  const v = eveValidator();
  if (v(record)) return [];
  return (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
