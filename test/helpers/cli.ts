// Run the real `vsids` binary (bin/vsids.js over dist/, built by `pretest`) as a user would.

import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED = resolve(REPO, '../shared');
export const CORPUS = resolve(SHARED, 'captures-corpus');
export const BIN = resolve(REPO, 'bin/vsids.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function vsids(args: string[], opts: { input?: string | Buffer; timeoutMs?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    input: opts.input,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Parse JSON lines (ignoring blank lines). */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
