// Every keyword: accepted values and what they record, refused values and the message (which
// always starts with the keyword's name).

import { describe, expect, it } from 'vitest';
import { keywordNames } from '../../../src/detect/rules/keywords/index.js';
import { parseRule, ruleList } from '../../../src/detect/rules/parser.js';
import type { ContentMatch, MatchEntry, PacketTest, PcreMatch, Rule } from '../../../src/detect/rules/types.js';

const rule = (opts: string, proto = 'tcp'): Rule => parseRule(`alert ${proto} any any -> any any (${opts} sid:1;)`);
const err = (opts: string, proto = 'tcp'): string => {
  try {
    rule(opts, proto);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`accepted: ${opts}`);
};
const payload = (opts: string, proto = 'tcp'): MatchEntry[] => [
  ...(ruleList(rule(opts, proto), 'payload')?.matches ?? []),
];
const firstContent = (opts: string, proto = 'tcp'): ContentMatch => {
  const r = rule(opts, proto);
  return r.lists.flatMap((l) => l.matches).find((m) => m.kind === 'content') as ContentMatch;
};
const test1 = (opts: string, proto = 'tcp'): PacketTest => rule(opts, proto).packetTests[0]!;
/** Each bad value's message must start with the keyword. */
const expectBad = (keyword: string, cases: [string, RegExp][], proto = 'tcp'): void => {
  for (const [opts, re] of cases) {
    const m = err(opts, proto);
    expect(m.startsWith(`${keyword}: `), `${opts} -> ${m}`).toBe(true);
    expect(m, opts).toMatch(re);
  }
};

describe('msg sid rev gid classtype priority reference metadata target', () => {
  it('msg', () => {
    expect(rule('msg:"hello \\"world\\"";').msg).toBe('hello "world"');
    expectBad('msg', [
      ['msg:hello;', /double quotes/],
      ['msg:"a"; msg:"b";', /duplicated/],
    ]);
  });
  it('sid', () => {
    expect(parseRule('alert ip any any -> any any (sid:4294967295;)').sid).toBe(4294967295);
    const bad = (v: string) => {
      try {
        parseRule(`alert ip any any -> any any (sid:${v};)`);
      } catch (e) {
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(bad('0')).toMatch(/^sid: 0 is not a valid sid/);
    expect(bad('abc')).toMatch(/^sid: value "abc" is not a number/);
    expect(bad('4294967296')).toMatch(/^sid: .*out of range/);
    expect(bad('-1')).toMatch(/^sid: /);
    expect(err('sid:2;')).toMatch(/^sid: duplicated/);
  });
  it('rev and gid', () => {
    expect(rule('rev:3; gid:5;')).toMatchObject({ rev: 3, gid: 5 });
    expectBad('rev', [
      ['rev:x;', /not a number/],
      ['rev:1; rev:2;', /duplicated/],
    ]);
    expectBad('gid', [['gid:1.5;', /not a number/]]);
  });
  it('classtype', () => {
    expect(rule('classtype:attempted-admin;')).toMatchObject({ classtype: 'attempted-admin', priority: 1 });
    expectBad('classtype', [
      ['classtype:no-such-class;', /unknown classtype "no-such-class"/],
      ['classtype:bad class;', /not a valid classtype name/],
      ['classtype:misc-activity; classtype:misc-attack;', /duplicated/],
    ]);
  });
  it('priority', () => {
    expect(rule('priority:1;').priority).toBe(1);
    expectBad('priority', [
      ['priority:0;', /1-255/],
      ['priority:256;', /out of range/],
      ['priority:high;', /not a number/],
    ]);
  });
  it('reference', () => {
    expect(rule('reference:cve,2021-44228; reference:url,example.com/a,b;').references).toEqual([
      { type: 'cve', value: '2021-44228' },
      { type: 'url', value: 'example.com/a,b' },
    ]);
    expectBad('reference', [
      ['reference:cve;', /expected "type,value"/],
      ['reference:cve,;', /empty value/],
      ['reference:c v e,1;', /not a valid reference type/],
    ]);
  });
  it('metadata', () => {
    expect(rule('metadata:created_at 2023_05_23, updated_at 2023_05_24, flag;').metadata).toEqual([
      { key: 'created_at', value: '2023_05_23' },
      { key: 'updated_at', value: '2023_05_24' },
    ]);
    expect(rule('metadata:policy balanced-ips drop;').metadata).toEqual([
      { key: 'policy', value: 'balanced-ips drop' },
    ]);
    expectBad('metadata', [['metadata:ke"y value;', /not a valid metadata key/]]);
  });
  it('target', () => {
    expect(rule('target:dest_ip;').target).toBe('dest_ip');
    expect(rule('target:src_ip;').target).toBe('src_ip');
    expectBad('target', [['target:dst;', /src_ip or dest_ip/]]);
  });
});

describe('content and its modifiers', () => {
  it('content: text, hex, negation', () => {
    const c = firstContent('content:!"a|00 ff|b";');
    expect(c.negated).toBe(true);
    expect(Array.from(c.pattern)).toEqual([0x61, 0, 0xff, 0x62]);
    expect(c).toMatchObject({ nocase: false, startswith: false, endswith: false, fastPattern: null });
    expect(firstContent('content: ! "x";').negated).toBe(true);
    expect(Array.from(firstContent('content:"é";').pattern)).toEqual([0xc3, 0xa9]);
    expectBad('content', [
      ['content:abc;', /double quotes/],
      ['content:"";', /empty pattern/],
      ['content:"|4|";', /odd number of hex digits/],
      ['content:"|41 4|";', /odd number of hex digits/],
      ['content:"|4 1|";', /pairs/],
      ['content:"|zz|";', /invalid character "z"/],
      ['content:"|41";', /missing closing "\|"/],
      ['content:"a\\x";', /invalid escape/],
      ['content:"a"b";', /unescaped double quote/],
    ]);
  });
  it('uricontent is content in http.uri', () => {
    const r = rule('uricontent:"/admin";');
    expect(r.lists.map((l) => l.buffer)).toEqual(['http.uri']);
    expect(r.appProto).toBe('http');
  });
  it('nocase', () => {
    expect(firstContent('content:"a"; nocase;').nocase).toBe(true);
    expectBad('nocase', [
      ['nocase;', /needs a preceding content/],
      ['content:"a"; nocase; nocase;', /twice/],
    ]);
  });
  it('depth and offset', () => {
    expect(firstContent('content:"abc"; offset:2; depth:5;')).toMatchObject({ offset: 2, depth: 5 });
    expectBad('depth', [
      ['depth:4;', /needs a preceding content/],
      ['content:"abcd"; depth:3;', /smaller than the content length 4/],
      ['content:"a"; depth:0;', /0 is not a valid depth/],
      ['content:"a"; depth:70000;', /out of range/],
      ['content:"a"; depth:2; depth:3;', /twice/],
      ['content:"a"; content:"b"; distance:1; depth:4;', /relative distance\/within/],
      ['content:"a"; startswith; depth:4;', /startswith/],
    ]);
    expectBad('offset', [
      ['content:"a"; offset:-1;', /not a number/],
      ['content:"a"; within:5; offset:1;', /relative/],
      ['content:"a"; offset:1; offset:1;', /twice/],
    ]);
  });
  it('distance and within', () => {
    const c = payload('content:"a"; content:"b"; distance:-3; within:10;')[1] as ContentMatch;
    expect(c).toMatchObject({ distance: -3, within: 10 });
    // Relative on the first content of a buffer: relative to the buffer start.
    expect(firstContent('content:"yYYY"; distance:9; within:29; endswith;')).toMatchObject({
      distance: 9,
      within: 29,
      endswith: true,
    });
    expectBad('distance', [
      ['distance:1;', /needs a preceding content/],
      ['content:"a"; depth:5; distance:1;', /absolute depth\/offset/],
      ['content:"a"; distance:2000000;', /out of range/],
      ['content:"a"; distance:x;', /not a number nor a byte_extract variable/],
      ['content:"a"; distance:1; distance:2;', /twice/],
    ]);
    expectBad('within', [
      ['content:"abcd"; within:3;', /less than the content length 4/],
      ['content:"a"; within:0;', /not a valid within/],
      ['content:"a"; offset:1; within:5;', /absolute/],
      ['content:"a"; startswith; within:5;', /startswith/],
    ]);
  });
  it('startswith and endswith', () => {
    expect(firstContent('content:"GET "; startswith;')).toMatchObject({ startswith: true, depth: 4, offset: 0 });
    expect(firstContent('content:"data|0a 0a|"; startswith; endswith;')).toMatchObject({
      startswith: true,
      endswith: true,
    });
    expect(firstContent('content:!".google.com"; endswith;')).toMatchObject({ negated: true, endswith: true });
    expectBad('startswith', [
      ['startswith;', /needs a preceding content/],
      ['content:"a"; depth:3; startswith;', /cannot be combined/],
      ['content:"a"; content:"b"; distance:0; startswith;', /cannot be combined/],
    ]);
    expectBad('endswith', [['content:"a"; endswith; endswith;', /twice/]]);
  });
  it('fast_pattern', () => {
    expect(firstContent('content:"abc"; fast_pattern;').fastPattern).toEqual({ only: false });
    expect(firstContent('content:"abc"; fast_pattern:only;').fastPattern).toEqual({ only: true });
    expect(firstContent('content:"abcdef"; fast_pattern:1,3;').fastPattern).toEqual({
      only: false,
      offset: 1,
      length: 3,
    });
    expectBad('fast_pattern', [
      ['fast_pattern;', /needs a preceding content/],
      ['content:"a"; fast_pattern; fast_pattern;', /twice/],
      ['content:"abc"; fast_pattern:2,2;', /past the end/],
      ['content:"abc"; fast_pattern:1,0;', /above 0/],
      ['content:"abc"; fast_pattern:first;', /"only" or "<offset>,<length>"/],
      ['content:"a"; content:"b"; distance:1; fast_pattern:only;', /"only" cannot be used/],
      ['content:"abc"; fast_pattern:only; depth:5;', /"only" cannot be used/],
      ['content:!"abc"; fast_pattern; depth:5;', /negated content/],
      ['content:"abc"; fast_pattern; content:"def"; fast_pattern;', /only one content in a rule/],
      ['content:"abc"; fast_pattern:only; content:"def"; distance:10;', /cannot be followed by a relative/],
    ]);
  });
  it('rawbytes', () => {
    expect(firstContent('content:"a"; rawbytes;').rawbytes).toBe(true);
    expectBad('rawbytes', [
      ['rawbytes;', /needs a preceding content/],
      ['http.uri; content:"a"; rawbytes;', /cannot be used on a content in the http.uri buffer/],
    ]);
  });
});

describe('pcre', () => {
  const pcre = (opts: string, proto = 'tcp'): PcreMatch =>
    rule(opts, proto)
      .lists.flatMap((l) => l.matches)
      .find((m) => m.kind === 'pcre') as PcreMatch;
  it('keeps source and flags and records options', () => {
    const p = pcre('pcre:"/union\\s+select/ismxAEGRO"; content:"x";'.replace('R', ''));
    expect(p).toMatchObject({
      source: 'union\\s+select',
      caseless: true,
      dotall: true,
      multiline: true,
      extended: true,
      anchored: true,
      dollarEndOnly: true,
      ungreedy: true,
      matchLimitOverride: true,
      negated: false,
    });
    expect(pcre('pcre:!"/x/";').negated).toBe(true);
    expect(pcre('content:"a"; pcre:"/b/R";').relative).toBe(true);
  });
  it('maps the HTTP buffer modifiers to buffers', () => {
    const map: Record<string, string> = {
      U: 'http.uri',
      I: 'http.uri.raw',
      P: 'http.request_body',
      Q: 'http.response_body',
      H: 'http.header',
      D: 'http.header.raw',
      M: 'http.method',
      C: 'http.cookie',
      S: 'http.stat_code',
      Y: 'http.stat_msg',
      V: 'http.user_agent',
      W: 'http.host',
      Z: 'http.host.raw',
    };
    for (const [flag, buffer] of Object.entries(map)) {
      const r = rule(`pcre:"/x/${flag}";`);
      expect(r.lists.map((l) => l.buffer)).toEqual([buffer]);
      expect(r.appProto).toBe('http');
    }
    const r = rule('content:"User-Agent: "; http_header; pcre:"/(?P<flow_ua>.*)\\r\\n/HR";', 'http');
    expect(ruleList(r, 'http.header')!.matches.map((m) => m.kind)).toEqual(['content', 'pcre']);
  });
  it('refuses bad patterns and modifiers', () => {
    expectBad('pcre', [
      ['pcre:"x";', /expected "\/regex\/flags"/],
      ['pcre:"/x";', /missing closing/],
      ['pcre:"/x/q";', /unknown modifier "q"/],
      ['pcre:"/x/UH";', /select different buffers/],
      ['pcre:"/x/BU";', /"B" is inconsistent/],
      ['pcre:"/(x/";', /does not compile|cannot be used/],
      ['pcre:"/x(?R)/";', /not supported/],
      ['pcre:"/x/R";', /relative\) needs a preceding content or pcre/],
      ['http.uri; content:"a"; pcre:"/x/H";', /selects http.header but sticky buffer http.uri/],
    ]);
  });
});

describe('byte_test, byte_jump, byte_extract, isdataat', () => {
  it('byte_test', () => {
    expect(payload('byte_test:2,!=,0x01,4,relative,little,bitmask 0xF0;')[0]).toEqual({
      kind: 'byte_test',
      nbytes: 2,
      op: '=',
      negated: true,
      value: 1,
      offset: 4,
      relative: true,
      endian: 'little',
      string: null,
      bitmask: 0xf0,
    });
    expect(payload('byte_test:4,>=,1337,1,string,dec;')[0]).toMatchObject({ op: '>=', string: 'dec', value: 1337 });
    expect(payload('byte_test:3,=,10,0,string,hex;')[0]).toMatchObject({ string: 'hex' });
    expect(payload('byte_test:1,&,010,0,string;')[0]).toMatchObject({ value: 8, string: 'dec' });
    expect(payload('byte_test:1,=,65,214748364;')[0]).toMatchObject({ offset: 214748364 });
    expect(payload('byte_test:1,!,5,0,dce;')[0]).toMatchObject({ negated: true, op: '=', endian: 'dce' });
    expectBad('byte_test', [
      ['byte_test:1,=,1;', /needs <nbytes>/],
      ['byte_test:9,=,1,0;', /binary conversions read 1 to 8 bytes/],
      ['byte_test:24,=,1,0,string,dec;', /1 to 23 bytes/],
      ['byte_test:1,~,1,0;', /not an operator/],
      ['byte_test:1,=,x1,0;', /not a number nor a byte_extract variable/],
      ['byte_test:1,=,1,0,hex;', /needs "string"/],
      ['byte_test:1,=,1,0,big,little;', /conflicts/],
      ['byte_test:1,=,1,0,string,dce;', /"dce" cannot be combined with "string"/],
      ['byte_test:1,=,1,0,sideways;', /unknown option "sideways"/],
      ['byte_test:1,=,1,0,align;', /not valid here/],
    ]);
  });
  it('byte_jump', () => {
    const opts = 'byte_jump:4,0,relative,multiplier 2,little,align,from_beginning,post_offset -8,bitmask 0x0f;';
    expect(payload(opts)[0]).toEqual({
      kind: 'byte_jump',
      nbytes: 4,
      offset: 0,
      relative: true,
      multiplier: 2,
      endian: 'little',
      string: null,
      align: true,
      fromBeginning: true,
      fromEnd: false,
      postOffset: -8,
      bitmask: 0x0f,
    });
    expect(payload('byte_jump:1,44,string,dec;')[0]).toMatchObject({ string: 'dec', nbytes: 1, offset: 44 });
    expect(payload('byte_jump:0,0,from_end,post_offset -8;')[0]).toMatchObject({ nbytes: 0, fromEnd: true });
    expectBad('byte_jump', [
      ['byte_jump:4;', /needs <nbytes>,<offset>/],
      ['byte_jump:0,0;', /1 to 8 bytes/],
      ['byte_jump:2,0,from_beginning,from_end;', /cannot both be used/],
      ['byte_jump:2,0,multiplier 0;', /above 0/],
      ['byte_jump:2,0,post_offset;', /needs a value/],
    ]);
  });
  it('byte_extract and its variables', () => {
    const r = rule(
      'content:"|00 FF|"; byte_extract:1,0,len,relative,multiplier 2,align 4; content:"|5c 00|"; distance:2; ' +
        'within:len; byte_test:2,=,len,len; byte_jump:len,0; isdataat:len,relative;',
    );
    const m = ruleList(r, 'payload')!.matches;
    expect(r.byteVars).toEqual(['len']);
    expect(m[1]).toEqual({
      kind: 'byte_extract',
      nbytes: 1,
      offset: 0,
      name: 'len',
      relative: true,
      multiplier: 2,
      endian: 'big',
      string: null,
      align: 4,
      bitmask: null,
    });
    expect(m[2]).toMatchObject({ within: 'len', distance: 2 });
    expect(m[3]).toMatchObject({ value: 'len', offset: 'len' });
    expect(m[4]).toMatchObject({ nbytes: 'len' });
    expect(m[5]).toMatchObject({ offset: 'len' });
    expect(payload('byte_extract:3,0,v,string,hex;')[0]).toMatchObject({ string: 'hex' });
    expectBad('byte_extract', [
      ['byte_extract:1,0;', /needs <nbytes>,<offset>,<variable name>/],
      ['byte_extract:1,0,9v;', /not a valid variable name/],
      ['byte_extract:1,0,relative;', /reserved word/],
      ['byte_extract:1,0,v; byte_extract:1,1,v;', /already defined/],
      ['byte_extract:1,0,v,align 3;', /align must be 2 or 4/],
      ['byte_extract:1,0,v,from_end;', /not valid here/],
      ['byte_extract:9,0,v;', /1 to 8 bytes/],
    ]);
    expectBad('depth', [['content:"a"; depth:nope;', /not a number nor a byte_extract variable/]]);
  });
  it('isdataat', () => {
    expect(payload('isdataat:!1,relative,rawbytes;')[0]).toEqual({
      kind: 'isdataat',
      negated: true,
      offset: 1,
      relative: true,
      rawbytes: true,
    });
    expect(payload('isdataat:512;')[0]).toMatchObject({ negated: false, offset: 512, relative: false });
    expectBad('isdataat', [
      ['isdataat:x;', /not a number nor a byte_extract variable/],
      ['isdataat:1,after;', /unknown option "after"/],
      ['isdataat:70000;', /out of range/],
    ]);
  });
});

describe('dsize, bsize, urilen and integer comparisons', () => {
  it('dsize accepts every comparison form', () => {
    const forms: [string, object][] = [
      ['10', { op: 'eq', value: 10 }],
      ['=10', { op: 'eq', value: 10 }],
      ['!9', { op: 'ne', value: 9 }],
      ['!=9', { op: 'ne', value: 9 }],
      ['<10', { op: 'lt', value: 10 }],
      ['<=10', { op: 'lte', value: 10 }],
      ['>8', { op: 'gt', value: 8 }],
      ['>=8', { op: 'gte', value: 8 }],
      ['8<>20', { op: 'range', min: 8, max: 20 }],
      ['8-20', { op: 'range', min: 8, max: 20 }],
      ['!8-20', { op: 'notrange', min: 8, max: 20 }],
      ['&0xc0=0x80', { op: 'mask-eq', mask: 0xc0, value: 0x80 }],
      ['&0xc0!=0', { op: 'mask-ne', mask: 0xc0, value: 0 }],
      ['0x10', { op: 'eq', value: 16 }],
    ];
    for (const [v, expected] of forms) expect(test1(`dsize:${v};`)).toEqual({ kind: 'dsize', compare: expected });
    expectBad('dsize', [
      ['dsize:70000;', /out of range/],
      ['dsize:20<>8;', /invalid range/],
      ['dsize:<0;', /never match/],
      ['dsize:big;', /not a number/],
      ['dsize:&0x0f=0x10;', /never match/],
      ['dsize:1; dsize:2;', /duplicated/],
    ]);
  });
  it('bsize needs a sticky buffer and fits its contents', () => {
    const r = rule('http.user_agent; bsize:0;', 'http');
    expect(ruleList(r, 'http.user_agent')!.matches).toEqual([{ kind: 'bsize', compare: { op: 'eq', value: 0 } }]);
    expect(ruleList(rule('dns.query; content:"google.com"; bsize:8<>20;', 'dns'), 'dns.query')!.matches[1]).toEqual({
      kind: 'bsize',
      compare: { op: 'range', min: 8, max: 20 },
    });
    expect(ruleList(rule('file.data; bsize:>1kb;', 'http'), 'file.data')!.matches[0]).toMatchObject({
      compare: { op: 'gt', value: 1024 },
    });
    expectBad('bsize', [
      ['bsize:5;', /needs a sticky buffer/],
      ['dns.query; content:"google.com"; bsize:<5;', /content of 10 bytes cannot fit/],
      ['dns.query; bsize:x;', /not a number/],
    ]);
  });
  it('urilen', () => {
    const r = rule('urilen:<70;', 'http');
    expect(ruleList(r, 'http.uri')!.matches).toEqual([
      { kind: 'urilen', compare: { op: 'lt', value: 70 }, raw: false },
    ]);
    expect(ruleList(rule('urilen:5<>10,raw;'), 'http.uri.raw')!.matches[0]).toMatchObject({ raw: true });
    expect(rule('urilen:5,norm;').appProto).toBe('http');
    expectBad('urilen', [
      ['urilen:5,weird;', /"raw" or "norm"/],
      ['urilen:<;', /not a number/],
    ]);
    expectBad('urilen', [['urilen:5;', /cannot run over icmp/]], 'icmp');
  });
  it('ttl itype icode icmp_id icmp_seq seq ack window fragoffset', () => {
    expect(test1('ttl:<5;')).toEqual({ kind: 'ttl', compare: { op: 'lt', value: 5 } });
    expect(test1('itype:7<>20;', 'icmp')).toEqual({ kind: 'itype', compare: { op: 'range', min: 7, max: 20 } });
    expect(test1('icode:>3;', 'icmp')).toEqual({ kind: 'icode', compare: { op: 'gt', value: 3 } });
    expect(test1('icmp_id:21781;', 'icmp')).toEqual({ kind: 'icmp_id', compare: { op: 'eq', value: 21781 } });
    expect(test1('icmp_seq:!7;', 'icmp')).toEqual({ kind: 'icmp_seq', compare: { op: 'ne', value: 7 } });
    expect(test1('seq:4294967295;')).toEqual({ kind: 'seq', compare: { op: 'eq', value: 4294967295 } });
    expect(test1('ack:1-10;')).toEqual({ kind: 'ack', compare: { op: 'range', min: 1, max: 10 } });
    expect(test1('window:!1024;')).toEqual({ kind: 'window', compare: { op: 'ne', value: 1024 } });
    expect(test1('fragoffset:>0;')).toEqual({ kind: 'fragoffset', compare: { op: 'gt', value: 0 } });
    expectBad('ttl', [
      ['ttl:256;', /out of range/],
      ['ttl:1; ttl:2;', /duplicated/],
    ]);
    expectBad('itype', [['itype:x;', /not a number/]], 'icmp');
    expectBad('icode', [['icode:5<>3;', /invalid range/]], 'icmp');
    expectBad('icmp_id', [['icmp_id:65536;', /out of range/]], 'icmp');
    expectBad('icmp_seq', [['icmp_seq:-1;', /not a number/]], 'icmp');
    expectBad('seq', [['seq:4294967296;', /out of range/]]);
    expectBad('ack', [['ack:;', /needs a value/]]);
    expectBad('window', [['window:65536;', /out of range/]]);
    expectBad('fragoffset', [['fragoffset:8192;', /out of range/]]);
  });
});

describe('flow, flowbits, flags and other packet keywords', () => {
  it('flow', () => {
    expect(rule('flow:established,to_server;').flow).toMatchObject({
      established: true,
      toServer: true,
      toClient: false,
    });
    expect(rule('flow:from_server,not_established,no_stream;').flow).toMatchObject({
      toClient: true,
      notEstablished: true,
      noStream: true,
    });
    expect(rule('flow:stateless,only_frag;').flow).toMatchObject({ stateless: true, onlyFrag: true });
    expect(rule('flow:to_client,only_stream;').flow).toMatchObject({ toClient: true, onlyStream: true });
    expectBad('flow', [
      ['flow:to_server,to_client;', /contradicts/],
      ['flow:established,not_established;', /contradicts/],
      ['flow:established,stateless;', /contradicts/],
      ['flow:only_stream,no_stream;', /contradicts/],
      ['flow:to_server,from_client;', /repeats/],
      ['flow:sideways;', /unknown option "sideways"/],
      ['flow:constructor;', /unknown option "constructor"/],
      ['flow:established; flow:to_server;', /duplicated/],
    ]);
  });
  it('flowbits', () => {
    const r = rule(
      'flowbits:set,a; flowbits:isset,fb1|fb2; flowbits:isnotset, x | y ; flowbits:unset,a&b; ' +
        'flowbits:toggle,t; flowbits:noalert;',
    );
    expect(r.flowbits).toEqual([
      { cmd: 'set', names: ['a'], join: 'single' },
      { cmd: 'isset', names: ['fb1', 'fb2'], join: 'or' },
      { cmd: 'isnotset', names: ['x', 'y'], join: 'or' },
      { cmd: 'unset', names: ['a', 'b'], join: 'and' },
      { cmd: 'toggle', names: ['t'], join: 'single' },
    ]);
    expect(r.noalert).toBe(true);
    expect(rule('flowbits:isset,a&b;').flowbits[0]).toEqual({ cmd: 'isset', names: ['a', 'b'], join: 'and' });
    expectBad('flowbits', [
      ['flowbits:set;', /needs a flowbit name/],
      ['flowbits:sett,a;', /unknown command "sett"/],
      ['flowbits:noalert,a;', /takes no flowbit name/],
      ['flowbits:set,a|b;', /only works with isset and isnotset/],
      ['flowbits:isset,a|b&c;', /cannot mix/],
      ['flowbits:isset,a b;', /contains spaces/],
      ['flowbits:isset,a||b;', /empty flowbit name/],
    ]);
  });
  it('noalert', () => {
    expect(rule('noalert;').noalert).toBe(true);
    expect(rule('').noalert).toBe(false);
  });
  it('flags', () => {
    expect(test1('flags:SA;')).toEqual({ kind: 'flags', test: { bits: 0x12, mode: 'exact', ignore: 0 } });
    expect(test1('flags:+S;')).toEqual({ kind: 'flags', test: { bits: 0x02, mode: 'plus', ignore: 0 } });
    expect(test1('flags:*FR;')).toEqual({ kind: 'flags', test: { bits: 0x05, mode: 'any', ignore: 0 } });
    expect(test1('flags:!P;')).toEqual({ kind: 'flags', test: { bits: 0x08, mode: 'not', ignore: 0 } });
    expect(test1('flags:S,12;')).toEqual({ kind: 'flags', test: { bits: 0x02, mode: 'exact', ignore: 0xc0 } });
    expect(test1('flags:SA+;')).toEqual({ kind: 'flags', test: { bits: 0x12, mode: 'plus', ignore: 0 } });
    expect(test1('flags:UCE;')).toEqual({ kind: 'flags', test: { bits: 0xe0, mode: 'exact', ignore: 0 } });
    expect(test1('flags:0;')).toEqual({ kind: 'flags', test: { bits: 0, mode: 'exact', ignore: 0 } });
    expectBad('flags', [
      ['flags:SX;', /unknown flag "X"/],
      ['flags:SS;', /repeated/],
      ['flags:+*S;', /modifiers conflict/],
      ['flags:0S;', /"0" \(no flags\) cannot be combined/],
      ['flags:S,Q;', /unknown flag "Q" in ignore mask/],
      ['flags:+;', /no flags/],
    ]);
  });
  it('fragbits', () => {
    expect(test1('fragbits:M;')).toEqual({ kind: 'fragbits', test: { bits: 1, mode: 'exact', ignore: 0 } });
    expect(test1('fragbits:!D;')).toEqual({ kind: 'fragbits', test: { bits: 2, mode: 'not', ignore: 0 } });
    expect(test1('fragbits:*MDR;')).toEqual({ kind: 'fragbits', test: { bits: 7, mode: 'any', ignore: 0 } });
    expectBad('fragbits', [
      ['fragbits:X;', /unknown flag/],
      ['fragbits:M,D;', /no ignore mask/],
    ]);
  });
  it('ip_proto', () => {
    expect(test1('ip_proto:tcp;')).toEqual({ kind: 'ip_proto', compare: { op: 'eq', value: 6 } });
    expect(test1('ip_proto:!1;')).toEqual({ kind: 'ip_proto', compare: { op: 'ne', value: 1 } });
    expect(test1('ip_proto:>50;')).toEqual({ kind: 'ip_proto', compare: { op: 'gt', value: 50 } });
    expect(test1('ip_proto:<IGMP;')).toEqual({ kind: 'ip_proto', compare: { op: 'lt', value: 2 } });
    expect(test1('ip_proto:ipv6-icmp;')).toEqual({ kind: 'ip_proto', compare: { op: 'eq', value: 58 } });
    expectBad('ip_proto', [
      ['ip_proto:nosuch;', /unknown protocol "nosuch"/],
      ['ip_proto:toString;', /unknown protocol "toString"/],
      ['ip_proto:256;', /out of range/],
      ['ip_proto:<0;', /never match/],
    ]);
  });
  it('ipopts and sameip', () => {
    for (const o of ['rr', 'eol', 'nop', 'ts', 'sec', 'esec', 'lsrr', 'ssrr', 'satid', 'any']) {
      expect(test1(`ipopts:${o};`, 'ip')).toEqual({ kind: 'ipopts', option: o });
    }
    expectBad('ipopts', [['ipopts:mss;', /unknown IP option "mss"/]], 'ip');
    expect(test1('sameip;', 'ip')).toEqual({ kind: 'sameip' });
    expect(err('sameip:yes;')).toMatch(/^sameip: takes no value/);
  });
});

describe('threshold, detection_filter, app-layer-protocol', () => {
  it('threshold', () => {
    expect(rule('threshold: type limit, track by_rule, count 5, seconds 300;').threshold).toEqual({
      keyword: 'threshold',
      type: 'limit',
      track: 'by_rule',
      count: 5,
      seconds: 300,
    });
    expect(rule('threshold:seconds 60,count 10,track by_both,type both;').threshold).toMatchObject({
      type: 'both',
      track: 'by_both',
    });
    expect(rule('threshold:type threshold, track by_flow, count 1, seconds 3600;').threshold).toMatchObject({
      type: 'threshold',
      track: 'by_flow',
    });
    expectBad('threshold', [
      ['threshold:type limit, track by_src, count 5;', /missing "seconds"/],
      ['threshold:type sometimes, track by_src, count 5, seconds 1;', /unknown type "sometimes"/],
      ['threshold:type limit, track by_port, count 5, seconds 1;', /unknown track "by_port"/],
      ['threshold:type limit, track by_src, count 0, seconds 1;', /count must be above 0/],
      ['threshold:type limit, track by_src, count x, seconds 1;', /not a number/],
      ['threshold:type limit, type limit, track by_src, count 1, seconds 1;', /given twice/],
      ['threshold:type limit, track by_src, count 1, seconds 1, extra 2;', /unknown setting "extra"/],
      [
        'threshold:type limit, track by_src, count 1, seconds 1; threshold:type both, track by_dst, count 1, seconds 2;',
        /only one/,
      ],
    ]);
  });
  it('detection_filter', () => {
    expect(rule('detection_filter:track by_src, count 2, seconds 3600;').threshold).toEqual({
      keyword: 'detection_filter',
      track: 'by_src',
      count: 2,
      seconds: 3600,
    });
    expectBad('detection_filter', [
      ['detection_filter:track by_src, count 2;', /missing "seconds"/],
      ['detection_filter:type limit, track by_src, count 2, seconds 1;', /unknown setting "type"/],
      [
        'threshold:type limit, track by_src, count 1, seconds 1; detection_filter:track by_src, count 2, seconds 1;',
        /only one/,
      ],
    ]);
  });
  it('app-layer-protocol', () => {
    expect(rule('app-layer-protocol:!http; app-layer-protocol:tls,final;').appLayerProtocols).toEqual([
      { proto: 'http', negated: true, mode: null },
      { proto: 'tls', negated: false, mode: 'final' },
    ]);
    expect(rule('app-layer-protocol:!http1;').appLayerProtocols[0]).toMatchObject({ proto: 'http1' });
    expect(rule('app-layer-protocol:failed;').appLayerProtocols[0]).toMatchObject({ proto: 'failed' });
    expectBad('app-layer-protocol', [
      ['app-layer-protocol:gopher;', /unknown application protocol "gopher"/],
      ['app-layer-protocol:http,sometimes;', /unknown mode "sometimes"/],
    ]);
  });
});

describe('keyword table', () => {
  it('lists the supported keywords', () => {
    const names = keywordNames();
    const expected = ['content', 'pcre', 'flow', 'flowbits', 'byte_extract', 'http.uri', 'http_uri', 'dns_query'];
    for (const k of expected) expect(names).toContain(k);
  });
});
