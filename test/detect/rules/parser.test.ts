import { describe, expect, it } from 'vitest';
import { parseClassificationConfig } from '../../../src/detect/rules/classification.js';
import { parseRule, ruleList, splitRule } from '../../../src/detect/rules/parser.js';
import type { ContentMatch, MatchEntry, Rule } from '../../../src/detect/rules/types.js';
import { addressGroupHas, defaultVars, portGroupHas, varsWith } from '../../../src/detect/rules/vars.js';

const parse = (text: string, vars = defaultVars()): Rule => parseRule(text, { vars, file: 'x.rules', line: 7 });
const err = (text: string): string => {
  try {
    parse(text);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`parsed: ${text}`);
};
const contentText = (m: MatchEntry): string => Buffer.from((m as ContentMatch).pattern).toString('latin1');

describe('rule header', () => {
  it('parses a full header', () => {
    const r = parse('alert tcp $HOME_NET 1024: -> $EXTERNAL_NET [80,443] (msg:"m"; sid:10; rev:2;)');
    expect(r.action).toBe('alert');
    expect(r.protocol).toBe('tcp');
    expect(r.appProto).toBeNull();
    expect(r.bidirectional).toBe(false);
    expect(addressGroupHas(r.src, '10.0.0.1')).toBe(true);
    expect(addressGroupHas(r.dst, '10.0.0.1')).toBe(false);
    expect(portGroupHas(r.srcPorts, 1024)).toBe(true);
    expect(portGroupHas(r.srcPorts, 80)).toBe(false);
    expect(portGroupHas(r.dstPorts, 443)).toBe(true);
    expect(r.src.text).toBe('$HOME_NET');
    expect(r.file).toBe('x.rules');
    expect(r.line).toBe(7);
    expect(r.sid).toBe(10);
    expect(r.rev).toBe(2);
    expect(r.gid).toBe(1);
    expect(r.msg).toBe('m');
  });

  it('accepts every action; drop and reject keep their action', () => {
    for (const a of ['alert', 'pass', 'drop', 'reject', 'rejectsrc', 'rejectdst', 'rejectboth']) {
      expect(parse(`${a} ip any any -> any any (sid:1;)`).action).toBe(a);
    }
    expect(err('block ip any any -> any any (sid:1;)')).toBe('action: unknown action "block"');
  });

  it('accepts the protocols and names unknown ones', () => {
    for (const p of ['ip', 'tcp', 'udp', 'icmp', 'tcp-pkt', 'tcp-stream', 'http', 'dns', 'tls', 'ssh', 'dhcp']) {
      expect(parse(`alert ${p} any any -> any any (sid:1;)`).protocol).toBe(p);
    }
    expect(parse('alert http1 any any -> any any (sid:1;)').protocol).toBe('http');
    expect(parse('alert TCP any any -> any any (sid:1;)').protocol).toBe('tcp');
    expect(parse('alert dns any any -> any any (sid:1;)').appProto).toBe('dns');
    expect(err('alert foo any any -> any any (sid:1;)')).toBe('protocol: unknown protocol "foo"');
    expect(err('alert smb any any -> any any (sid:1;)')).toBe('protocol: "smb" is not supported by vsids');
    expect(err('alert constructor any any -> any any (sid:1;)')).toBe('protocol: unknown protocol "constructor"');
  });

  it('directions', () => {
    expect(parse('alert ip any any <> any any (sid:1;)').bidirectional).toBe(true);
    expect(err('alert ip any any <- any any (sid:1;)')).toBe('direction: "<-" is not "->" or "<>"');
    expect(err('alert ip any any any any (sid:1;)')).toMatch(/^header: expected/);
  });

  it('lists with spaces stay one header part', () => {
    const r = parse('alert tcp [10.0.0.1, 10.0.0.2] any -> any [80, 8080] (sid:1;)');
    expect(addressGroupHas(r.src, '10.0.0.2')).toBe(true);
    expect(portGroupHas(r.dstPorts, 8080)).toBe(true);
  });

  it('names the header part of a bad address or port', () => {
    expect(err('alert tcp 1.2.3 any -> any any (sid:1;)')).toMatch(/^source address: /);
    expect(err('alert tcp any 99999 -> any any (sid:1;)')).toMatch(/^source port: /);
    expect(err('alert tcp any any -> $NOPE any (sid:1;)')).toMatch(
      /^destination address: unknown address variable \$NOPE/,
    );
    expect(err('alert tcp any any -> any x (sid:1;)')).toMatch(/^destination port: /);
  });

  it('uses --var overrides', () => {
    const vars = varsWith(defaultVars(), ['HOME_NET=192.0.2.0/24', 'HTTP_PORTS=[80,8080]']);
    const r = parse('alert tcp $EXTERNAL_NET any -> $HOME_NET $HTTP_PORTS (sid:1;)', vars);
    expect(addressGroupHas(r.dst, '192.0.2.9')).toBe(true);
    expect(addressGroupHas(r.dst, '10.0.0.1')).toBe(false);
    expect(addressGroupHas(r.src, '10.0.0.1')).toBe(true);
    expect(portGroupHas(r.dstPorts, 8080)).toBe(true);
  });
});

describe('option splitting and escaping', () => {
  it('splits on unescaped semicolons and keeps escapes for the keyword', () => {
    const { header, options } = splitRule('alert ip any any -> any any (msg:"a\\;b"; content:"x\\\\"; sid:1;)');
    expect(header).toBe('alert ip any any -> any any');
    expect(options).toEqual([
      { name: 'msg', value: '"a\\;b"' },
      { name: 'content', value: '"x\\\\"' },
      { name: 'sid', value: '1' },
    ]);
  });

  it('unescapes msg and content', () => {
    const r = parse(
      'alert tcp any any -> any any (msg:"semi\\; quote\\" back\\\\ colon\\:"; content:"a\\;b\\"c\\\\d\\:e"; sid:1;)',
    );
    expect(r.msg).toBe('semi; quote" back\\ colon:');
    expect(contentText(r.lists[0]!.matches[0]!)).toBe('a;b"c\\d:e');
  });

  it('decodes hex mixed with text', () => {
    const r = parse('alert tcp any any -> any any (content:"GET |20 2f|x|0d0a|"; content:"|FF fe|"; sid:1;)');
    const [a, b] = r.lists[0]!.matches as ContentMatch[];
    expect(Array.from(a!.pattern)).toEqual([0x47, 0x45, 0x54, 0x20, 0x20, 0x2f, 0x78, 0x0d, 0x0a]);
    expect(Array.from(b!.pattern)).toEqual([0xff, 0xfe]);
  });

  it('tolerates spaces around names and values', () => {
    const r = parse(
      'alert http any any -> any any ( msg: "x" ; flow: established, to_server ; content: "a" ; sid: 3 ; rev: 1 ; )',
    );
    expect(r.msg).toBe('x');
    expect(r.flow?.established).toBe(true);
    expect(r.flow?.toServer).toBe(true);
    expect(r.sid).toBe(3);
  });

  it('rejects malformed option text', () => {
    expect(err('alert ip any any -> any any sid:1;')).toBe('rule has no options: missing "("');
    expect(err('alert ip any any -> any any (sid:1;')).toBe('rule must end with ")"');
    expect(err('alert ip any any -> any any (msg:"x"; sid:1)')).toBe('option "sid:1" has no terminating ";"');
    expect(err('alert ip any any -> any any (msg:"x\\"; sid:1)')).toMatch(/has no terminating ";"/);
    expect(err('alert ip any any -> any any (:x; sid:1;)')).toMatch(/has no keyword/);
  });

  it('an unsupported keyword is an error naming it', () => {
    expect(err('alert ip any any -> any any (msg:"x"; flowint:a,+,1; sid:1;)')).toBe('unsupported keyword "flowint"');
    expect(err('alert ip any any -> any any (xbits:set,a,track ip_src; sid:1;)')).toBe('unsupported keyword "xbits"');
    expect(err('alert http any any -> any any (http.header_names; content:"x"; sid:1;)')).toBe(
      'unsupported keyword "http.header_names"',
    );
    expect(err('alert tcp any any -> any any (tag:session,10,packets; sid:1;)')).toMatch(/^tag: not supported/);
  });

  it('keywords that take no value, and values that are required', () => {
    expect(err('alert tcp any any -> any any (content:"a"; nocase:yes; sid:1;)')).toBe(
      'nocase: takes no value (got "yes")',
    );
    expect(err('alert tcp any any -> any any (content; sid:1;)')).toBe('content: needs a value');
    expect(err('alert tcp any any -> any any (sid:; )')).toBe('sid: needs a value');
  });
});

describe('rule identity and severity', () => {
  it('needs a sid; msg is optional; rev defaults to 0 and gid to 1', () => {
    expect(err('alert ip any any -> any any (msg:"x";)')).toBe('sid: the rule has no sid');
    const r = parse('alert ip any any -> any any (sid:5;)');
    expect(r.msg).toBe('');
    expect(r.rev).toBe(0);
    expect(r.gid).toBe(1);
    expect(r.priority).toBe(3);
    expect(r.classtype).toBeNull();
  });

  it('classtype gives the priority unless priority is set', () => {
    expect(parse('alert ip any any -> any any (classtype:trojan-activity; sid:1;)').priority).toBe(1);
    expect(parse('alert ip any any -> any any (classtype:misc-activity; sid:1;)').priority).toBe(3);
    expect(parse('alert ip any any -> any any (classtype:tcp-connection; sid:1;)').priority).toBe(4);
    expect(parse('alert ip any any -> any any (priority:2; classtype:trojan-activity; sid:1;)').priority).toBe(2);
    expect(parse('alert ip any any -> any any (classtype:trojan-activity; priority:4; sid:1;)').priority).toBe(4);
    expect(parse('alert ip any any -> any any (classtype:Bad-Unknown; sid:1;)').classtype).toBe('bad-unknown');
  });

  it('uses a custom classification table when given', () => {
    const classifications = parseClassificationConfig('config classification: vm-escape,VM escape,1\n');
    const r = parseRule('alert ip any any -> any any (classtype:vm-escape; sid:1;)', { classifications });
    expect(r.priority).toBe(1);
    const other = 'alert ip any any -> any any (classtype:trojan-activity; sid:1;)';
    expect(() => parseRule(other, { classifications })).toThrow(/unknown classtype/);
  });

  it('keeps the rule text', () => {
    const text = 'alert ip any any -> any any (sid:1;)';
    expect(parse(text).text).toBe(text);
  });
});

describe('match lists', () => {
  it('sticky buffers switch the list for following content/pcre/bsize/isdataat/byte_*', () => {
    const r = parse(
      'alert http any any -> any any (content:"p"; http.uri; content:"u1"; bsize:<100; pcre:"/x/"; ' +
        'isdataat:1,relative; byte_test:1,=,1,0,relative; http.header; content:"h"; pkt_data; content:"p2"; sid:1;)',
    );
    expect(r.lists.map((l) => l.buffer)).toEqual(['payload', 'http.uri', 'http.header']);
    expect(ruleList(r, 'payload')!.matches.map(contentText)).toEqual(['p', 'p2']);
    expect(ruleList(r, 'http.uri')!.matches.map((m) => m.kind)).toEqual([
      'content',
      'bsize',
      'pcre',
      'isdataat',
      'byte_test',
    ]);
    expect(ruleList(r, 'http.header')!.matches.map(contentText)).toEqual(['h']);
  });

  it('legacy modifiers move the preceding content with its modifiers', () => {
    const r = parse(
      'alert tcp any any -> any any (content:"one"; http_uri; offset:1; depth:10; content:"one"; offset:1; depth:10; ' +
        'content:"two"; http_uri; distance:3; within:4; content:"two"; distance:1; within:4; sid:2;)',
    );
    expect(r.appProto).toBe('http');
    const uri = ruleList(r, 'http.uri')!.matches as ContentMatch[];
    const pay = ruleList(r, 'payload')!.matches as ContentMatch[];
    expect(uri.map(contentText)).toEqual(['one', 'two']);
    expect(pay.map(contentText)).toEqual(['one', 'two']);
    expect(uri[0]).toMatchObject({ offset: 1, depth: 10 });
    expect(uri[1]).toMatchObject({ distance: 3, within: 4 });
    expect(pay[1]).toMatchObject({ distance: 1, within: 4 });
  });

  it('legacy modifiers and sticky buffers give the same lists', () => {
    const head = 'alert http any any -> any any';
    const a = parse(`${head} (content:"GET"; http_method; content:"/x"; nocase; http_uri; sid:1;)`);
    const b = parse(`${head} (http.method; content:"GET"; http.uri; content:"/x"; nocase; sid:1;)`);
    expect(a.lists).toEqual(b.lists);
  });

  it('maps every legacy modifier to its buffer', () => {
    const pairs: [string, string][] = [
      ['http_uri', 'http.uri'],
      ['http_raw_uri', 'http.uri.raw'],
      ['http_method', 'http.method'],
      ['http_header', 'http.header'],
      ['http_raw_header', 'http.header.raw'],
      ['http_cookie', 'http.cookie'],
      ['http_user_agent', 'http.user_agent'],
      ['http_host', 'http.host'],
      ['http_raw_host', 'http.host.raw'],
      ['http_client_body', 'http.request_body'],
      ['http_server_body', 'http.response_body'],
      ['http_stat_code', 'http.stat_code'],
      ['http_stat_msg', 'http.stat_msg'],
    ];
    for (const [mod, buffer] of pairs) {
      const r = parse(`alert tcp any any -> any any (content:"x"; ${mod}; sid:1;)`);
      expect(r.lists.map((l) => l.buffer)).toEqual([buffer]);
    }
  });

  it('maps every sticky buffer keyword to its buffer', () => {
    const pairs: [string, string, string][] = [
      ['file.data', 'file.data', 'http'],
      ['file_data', 'file.data', 'http'],
      ['http.uri', 'http.uri', 'http'],
      ['http.uri.raw', 'http.uri.raw', 'http'],
      ['http.method', 'http.method', 'http'],
      ['http.host', 'http.host', 'http'],
      ['http.host.raw', 'http.host.raw', 'http'],
      ['http.user_agent', 'http.user_agent', 'http'],
      ['http.header', 'http.header', 'http'],
      ['http.header.raw', 'http.header.raw', 'http'],
      ['http.cookie', 'http.cookie', 'http'],
      ['http.content_type', 'http.content_type', 'http'],
      ['http.request_line', 'http.request_line', 'http'],
      ['http.request_body', 'http.request_body', 'http'],
      ['http.stat_code', 'http.stat_code', 'http'],
      ['http.stat_msg', 'http.stat_msg', 'http'],
      ['http.response_body', 'http.response_body', 'http'],
      ['http.server_body', 'http.response_body', 'http'],
      ['http.response_line', 'http.response_line', 'http'],
      ['dns.query', 'dns.query', 'dns'],
      ['dns_query', 'dns.query', 'dns'],
      ['tls.sni', 'tls.sni', 'tls'],
      ['tls.cert_subject', 'tls.cert_subject', 'tls'],
      ['tls.cert_issuer', 'tls.cert_issuer', 'tls'],
      ['tls.cert_serial', 'tls.cert_serial', 'tls'],
      ['tls.certs', 'tls.certs', 'tls'],
      ['ja3.hash', 'ja3.hash', 'tls'],
      ['ja3_hash', 'ja3.hash', 'tls'],
      ['ja3.string', 'ja3.string', 'tls'],
      ['ja4.hash', 'ja4.hash', 'tls'],
      ['ssh.proto', 'ssh.proto', 'ssh'],
      ['ssh_proto', 'ssh.proto', 'ssh'],
      ['ssh.software', 'ssh.software', 'ssh'],
      ['ssh_software', 'ssh.software', 'ssh'],
    ];
    for (const [kw, buffer, proto] of pairs) {
      const r = parse(`alert ${proto} any any -> any any (${kw}; content:"x"; sid:1;)`);
      expect(r.lists.map((l) => l.buffer)).toEqual([buffer]);
    }
    expect(parse('alert tcp any any -> any any (tls.sni; content:"x"; sid:1;)').appProto).toBe('tls');
  });

  it('refuses a legacy modifier without a payload content or under a sticky buffer', () => {
    expect(err('alert http any any -> any any (http_uri; sid:1;)')).toMatch(/^http_uri: needs a preceding content/);
    expect(err('alert http any any -> any any (content:"a"; http_uri; http_header; sid:1;)')).toMatch(
      /^http_header: needs a preceding content/,
    );
    expect(err('alert http any any -> any any (http.uri; content:"a"; http_header; sid:1;)')).toMatch(
      /^http_header: cannot be used while sticky buffer http.uri is in effect/,
    );
    expect(err('alert tcp any any -> any any (content:"a"; rawbytes; http_uri; sid:1;)')).toMatch(
      /^http_uri: .*rawbytes/,
    );
  });

  it('refuses buffers of another application protocol', () => {
    expect(err('alert dns any any -> any any (http.uri; content:"a"; sid:1;)')).toBe(
      "http.uri: inspects http but the rule's protocol is dns",
    );
    expect(err('alert tcp any any -> any any (dns.query; content:"a"; http.uri; content:"b"; sid:1;)')).toBe(
      'http.uri: inspects http but the rule already inspects dns',
    );
    expect(err('alert icmp any any -> any any (content:"a"; http_uri; sid:1;)')).toMatch(
      /^http_uri: .*cannot run over icmp/,
    );
  });

  it('refuses a sticky buffer nothing inspects', () => {
    expect(err('alert http any any -> any any (http.uri; sid:1;)')).toBe(
      'http.uri: sticky buffer is not followed by any content or other match for it',
    );
    expect(err('alert http any any -> any any (http.uri; http.header; content:"x"; sid:1;)')).toMatch(
      /^http.uri: sticky/,
    );
  });

  it('refuses an upper-case http.host pattern without nocase, as Suricata does', () => {
    expect(err('alert http any any -> any any (http.host; content:"Example.com"; sid:1;)')).toMatch(
      /^http.host: .*upper-case/,
    );
    expect(parse('alert http any any -> any any (http.host; content:"Example.com"; nocase; sid:1;)').sid).toBe(1);
    expect(parse('alert http any any -> any any (http.host.raw; content:"Example.com"; sid:1;)').sid).toBe(1);
  });

  it('places relative byte keywords with the previous match, absolute ones in the payload', () => {
    const r = parse('alert http any any -> any any (content:"x"; http_uri; isdataat:2,relative; isdataat:5; sid:1;)');
    expect(ruleList(r, 'http.uri')!.matches.map((m) => m.kind)).toEqual(['content', 'isdataat']);
    expect(ruleList(r, 'payload')!.matches.map((m) => m.kind)).toEqual(['isdataat']);
  });
});
