import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatRejected, loadRules, RuleFileError, splitRuleLines } from '../../../src/detect/rules/loader.js';
import { ruleList } from '../../../src/detect/rules/parser.js';
import { addressGroupHas, defaultVars, varsWith } from '../../../src/detect/rules/vars.js';

const SHARED = resolve(__dirname, '../../../../shared');
const BENCH_RULES = join(SHARED, 'bench/rules/suricata.rules');
const CONFORMANCE = join(SHARED, 'conformance/suricata-verify/tests');

const tmp = (): string => mkdtempSync(join(tmpdir(), 'vsids-rules-'));
const writeRules = (dir: string, name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('splitRuleLines', () => {
  it('skips comments and blank lines and numbers rules by their first line', () => {
    const text = [
      '# header comment',
      '',
      'alert ip any any -> any any (sid:1;)',
      '   # indented comment',
      '#alert ip any any -> any any (sid:99;)',
      '  alert ip any any -> any any (sid:2;)',
      '',
    ].join('\n');
    expect(splitRuleLines(text)).toEqual([
      { line: 3, text: 'alert ip any any -> any any (sid:1;)' },
      { line: 6, text: 'alert ip any any -> any any (sid:2;)' },
    ]);
  });

  it('joins backslash continuations (CRLF too) and reports the first line', () => {
    const text =
      'alert dns any any -> any 53 ( \\\r\nmsg:"DNS"; \\\r\ncontent:"x"; \\\r\n  sid:1; rev:1;)\r\n' +
      'alert ip any any -> any any (sid:2;)\n';
    expect(splitRuleLines(text)).toEqual([
      { line: 1, text: 'alert dns any any -> any 53 ( msg:"DNS"; content:"x";   sid:1; rev:1;)' },
      { line: 5, text: 'alert ip any any -> any any (sid:2;)' },
    ]);
  });

  it('ignores a UTF-8 byte order mark', () => {
    expect(splitRuleLines('\uFEFFalert ip any any -> any any (sid:1;)')).toEqual([
      { line: 1, text: 'alert ip any any -> any any (sid:1;)' },
    ]);
  });

  it('keeps a continuation that runs off the end of the file', () => {
    expect(splitRuleLines('\n\nalert ip any any -> any any ( \\\nsid:1; \\')).toEqual([
      { line: 3, text: 'alert ip any any -> any any ( sid:1; ' },
    ]);
  });
});

describe('loadRules', () => {
  it('reports bad rules as file:line and loads the rest', () => {
    const dir = tmp();
    const f = writeRules(
      dir,
      'a.rules',
      [
        'alert tcp any any -> any any (msg:"ok"; content:"a"; sid:1;)',
        '# comment',
        'alert tcp any any -> any any (msg:"bad"; content:"a"; depth:0; sid:2;)',
        'alert tcp any any -> any any ( \\',
        '  msg:"continued bad"; \\',
        '  frobnicate; sid:3;)',
        'alert tcp any any -> any any (msg:"ok2"; sid:4;)',
      ].join('\n'),
    );
    const r = loadRules([f]);
    expect(r.rules.map((x) => x.sid)).toEqual([1, 4]);
    expect(r.rules[1]!.line).toBe(7);
    expect(r.rejected.map(formatRejected)).toEqual([
      `${f}:3: depth: 0 is not a valid depth`,
      `${f}:4: unsupported keyword "frobnicate"`,
    ]);
    expect(r.rejected[1]!.text).toContain('frobnicate');
    expect(r.files).toEqual([f]);
  });

  it('rejects a duplicate sid, naming the first', () => {
    const dir = tmp();
    const a = writeRules(
      dir,
      'a.rules',
      'alert ip any any -> any any (sid:7;)\nalert ip any any <> any any (sid:7; gid:3;)',
    );
    const b = writeRules(
      dir,
      'b.rules',
      '\nalert ip any any -> any any (sid:7; rev:2;)\nalert ip any any -> any any (sid:7; gid:3;)\n',
    );
    const r = loadRules([a, b]);
    expect(r.rules.map((x) => `${x.gid}:${x.sid}`)).toEqual(['1:7', '3:7']);
    expect(r.rejected.map(formatRejected)).toEqual([
      `${b}:2: duplicate sid 7 (first at ${a}:1)`,
      `${b}:3: duplicate sid 7 (gid 3) (first at ${a}:2)`,
    ]);
  });

  it('loads every *.rules file of a directory, sorted, and nothing else', () => {
    const dir = tmp();
    writeRules(dir, 'b.rules', 'alert ip any any -> any any (sid:2;)\n');
    writeRules(dir, 'a.rules', 'alert ip any any -> any any (sid:1;)\n');
    writeRules(dir, 'notes.txt', 'not rules\n');
    mkdirSync(join(dir, 'sub.rules'));
    const r = loadRules([dir]);
    expect(r.files).toEqual([join(dir, 'a.rules'), join(dir, 'b.rules')]);
    expect(r.rules.map((x) => x.sid)).toEqual([1, 2]);
  });

  it('a missing path is an error naming it', () => {
    expect(() => loadRules(['/nonexistent/x.rules'])).toThrow(RuleFileError);
    expect(() => loadRules(['/nonexistent/x.rules'])).toThrow('/nonexistent/x.rules: no such file or directory');
  });

  it('passes variables through', () => {
    const dir = tmp();
    const f = writeRules(dir, 'v.rules', 'alert ip $HOME_NET any -> any any (sid:1;)\n');
    const r = loadRules([f], varsWith(defaultVars(), ['HOME_NET=192.0.2.0/24']));
    expect(addressGroupHas(r.rules[0]!.src, '192.0.2.1')).toBe(true);
    expect(addressGroupHas(r.rules[0]!.src, '10.0.0.1')).toBe(false);
  });
});

describe('shared rule sets', () => {
  it('loads all 3003 benchmark rules', () => {
    const r = loadRules([BENCH_RULES]);
    expect(r.rejected.map(formatRejected)).toEqual([]);
    expect(r.rules.length).toBe(3003);
    const sqli = r.rules.find((x) => x.sid === 9100001)!;
    expect(sqli.appProto).toBe('http');
    expect(sqli.classtype).toBe('web-application-attack');
    expect(sqli.priority).toBe(1);
    expect(sqli.metadata).toEqual([{ key: 'bench', value: 'expected_match' }]);
    expect(ruleList(sqli, 'http.uri')!.matches.map((m) => m.kind)).toEqual(['content', 'content', 'pcre']);
  });

  it('loads every conformance test.rules file', () => {
    const dirs = readdirSync(CONFORMANCE).sort();
    expect(dirs.length).toBeGreaterThan(80);
    const rejected: string[] = [];
    let loaded = 0;
    for (const d of dirs) {
      const r = loadRules([join(CONFORMANCE, d, 'test.rules')]);
      loaded += r.rules.length;
      rejected.push(...r.rejected.map((x) => `${d}: ${x.line}: ${x.message}`));
    }
    expect(rejected).toEqual([]);
    expect(loaded).toBeGreaterThan(150);
  });

  it('conformance specifics: continuation lines, legacy modifiers, pcre buffer flags, ored flowbits', () => {
    const load = (name: string) => loadRules([join(CONFORMANCE, name, 'test.rules')]).rules;
    const cont = [...load('bug-2736-01'), ...load('bug-2736-02')];
    expect(cont.map((r) => [r.sid, r.line, r.msg])).toEqual([
      [1, 1, 'DNS - Transaction ID problem, DDNS'],
      [2, 1, 'DNS - Transaction ID problem, suricata'],
    ]);
    expect(cont[0]!.text).toBe(
      'alert dns any any -> any 53 ( msg:"DNS - Transaction ID problem, DDNS"; content:"|04|ddns|03|net|00|"; ' +
        'classtype:trojan-activity; sid:1; rev:1;)',
    );
    const uri = load('detect-uricontent-03').find((r) => r.sid === 2)!;
    expect(uri.appProto).toBe('http');
    expect(uri.lists.map((l) => l.buffer)).toEqual(['http.uri', 'payload']);
    const pcreH = load('detect-pcre-05')[0]!;
    expect(ruleList(pcreH, 'http.header')!.matches.map((m) => m.kind)).toEqual(['content', 'pcre']);
    const oring = load('flowbit-oring').find((r) => r.sid === 4)!;
    expect(oring.flowbits).toEqual([{ cmd: 'isset', names: ['fb4', 'fb2', 'fb1'], join: 'or' }]);
  });
});
