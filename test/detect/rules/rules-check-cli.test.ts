// `vsids rules check` through the built CLI (bin/vsids.js over dist/; `npm run build` first).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SHARED, vsids } from '../../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'vsids-rules-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('vsids rules check', () => {
  it('good rules: count line, exit 0', () => {
    const r = vsids(['rules', 'check', join(SHARED, 'bench/rules/suricata.rules')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('3003 rules loaded, 0 rejected (from 1 file)\n');
  });

  it('bad rules: file:line: error for each, then the counts, exit 1', () => {
    const f = write(
      'mixed.rules',
      [
        'alert tcp any any -> any any (msg:"ok"; content:"a"; sid:1;)',
        '',
        'alert tcp any any -> any any (msg:"bad"; classtype:nope; sid:2;)',
        'alert tcp any any -> any any (msg:"x"; \\',
        '  content:"abcd"; within:2; sid:3;)',
        'alert tcp any any -> any any (msg:"dup"; sid:1;)',
      ].join('\n'),
    );
    const g = write('other.rules', 'alert foo any any -> any any (sid:10;)\n');
    const r = vsids(['rules', 'check', f, g]);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      `${f}:3: classtype: unknown classtype "nope" (not in classification.config)`,
      `${f}:4: within: 2 is less than the content length 4, so the content can never match`,
      `${f}:6: duplicate sid 1 (first at ${f}:1)`,
      `${g}:1: protocol: unknown protocol "foo"`,
      '1 rules loaded, 4 rejected (from 2 files)',
      '',
    ]);
  });

  it('loads directories and applies --var', () => {
    const sub = mkdtempSync(join(dir, 'd-'));
    writeFileSync(join(sub, 'a.rules'), 'alert tcp $MGMT_NET any -> $HOME_NET $MGMT_PORTS (sid:1;)\n');
    writeFileSync(join(sub, 'b.rules'), 'alert udp any any -> any 53 (sid:2;)\n');
    const without = vsids(['rules', 'check', sub]);
    expect(without.code).toBe(1);
    expect(without.stdout).toMatch(/a\.rules:1: source address: unknown address variable \$MGMT_NET/);
    const r = vsids(['rules', 'check', sub, '--var', 'MGMT_NET=[10.9.0.0/16]', '--var', 'MGMT_PORTS=[443,902,5480]']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toBe('2 rules loaded, 0 rejected (from 2 files)\n');
  });

  it('a missing path is one line on stderr and exit 1', () => {
    const r = vsids(['rules', 'check', join(dir, 'missing.rules')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`vsids: rules check: ${join(dir, 'missing.rules')}: no such file or directory\n`);
    expect(r.stdout).toBe('');
  });

  it('a malformed --var is a usage error (exit 2)', () => {
    const f = write('one.rules', 'alert ip any any -> any any (sid:1;)\n');
    const bad = vsids(['rules', 'check', f, '--var', 'HOME_NET']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^vsids: --var: "HOME_NET" is not NAME=VALUE\n$/);
    const badValue = vsids(['rules', 'check', f, '--var', 'HOME_NET=10.0.0.999']);
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toMatch(/^vsids: --var: .*10\.0\.0\.999/);
  });

  it('needs a path; has help', () => {
    expect(vsids(['rules', 'check']).code).toBe(2);
    const h = vsids(['rules', 'check', '--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/Usage: vsids rules check/);
  });
});
