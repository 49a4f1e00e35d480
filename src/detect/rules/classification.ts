// classification.config: `config classification: shortname,short description,priority`.
// A rule's `classtype` must name one of these; its priority becomes the rule's severity unless
// the rule sets `priority` itself. vsids ships Suricata's file as signatures/classification.config.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Classtype {
  readonly name: string;
  readonly description: string;
  readonly priority: number;
}

/** Lower-case classtype name -> entry. */
export type ClassificationTable = ReadonlyMap<string, Classtype>;

/** signatures/classification.config of this package (src/ and dist/ are both three levels down). */
export const DEFAULT_CLASSIFICATION_FILE = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../signatures/classification.config',
);

/** Parse classification.config text. Throws an Error naming the line of a malformed entry. */
export function parseClassificationConfig(text: string, file = 'classification.config'): ClassificationTable {
  const table = new Map<string, Classtype>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^config\s+classification\s*:\s*(.*)$/i.exec(line);
    if (m === null) throw new Error(`${file}:${i + 1}: not a "config classification:" line`);
    const parts = m[1]!.split(',');
    if (parts.length < 3) throw new Error(`${file}:${i + 1}: expected "name,description,priority"`);
    const name = parts[0]!.trim();
    const priorityText = parts[parts.length - 1]!.trim();
    const description = parts.slice(1, -1).join(',').trim();
    if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`${file}:${i + 1}: "${name}" is not a valid classtype name`);
    if (!/^\d+$/.test(priorityText) || Number(priorityText) < 1 || Number(priorityText) > 255)
      throw new Error(`${file}:${i + 1}: priority "${priorityText}" is not a number 1-255`);
    table.set(name.toLowerCase(), { name: name.toLowerCase(), description, priority: Number(priorityText) });
  });
  return table;
}

export function loadClassificationConfig(path: string): ClassificationTable {
  return parseClassificationConfig(readFileSync(path, 'utf8'), path);
}

let defaultTable: ClassificationTable | undefined;

/** The shipped table, read once. */
export function defaultClassifications(): ClassificationTable {
  defaultTable ??= loadClassificationConfig(DEFAULT_CLASSIFICATION_FILE);
  return defaultTable;
}
