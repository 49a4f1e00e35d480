// The signature engine as a user meets it: `vsids replay PCAP -S RULES` on conversations built
// here, asserting the alerts (which rules, how often, on which packet, oriented how) and that
// every alert line is valid EVE.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PcapRecord } from '../capture/build.js';
import { jsonLines, vsids } from '../helpers/cli.js';
import { TcpConversation, udpFrame, writePcap } from '../helpers/conversation.js';
import { eveProblems } from '../helpers/eve-schema.js';

const dir = mkdtempSync(join(tmpdir(), 'vsids-detect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const client = { ip: '10.66.1.11', port: 40000 };
const server = { ip: '10.66.2.21', port: 80 };

interface Alert {
  pcap_cnt?: number;
  src_ip: string;
  src_port?: number;
  dest_ip: string;
  alert: { signature_id: number; severity: number; category: string; metadata?: Record<string, string[]> };
  http?: { url?: string };
  direction: string;
}

let n = 0;
function alerts(records: PcapRecord[], rules: string, extra: string[] = []): Alert[] {
  n++;
  const pcap = writePcap(dir, `c${n}.pcap`, records);
  const rulesFile = join(dir, `r${n}.rules`);
  writeFileSync(rulesFile, rules);
  const r = vsids(['replay', pcap, '-S', rulesFile, '-l', '-', '--eve-types', 'alert', ...extra]);
  expect(r.code, r.stderr).toBe(0);
  const recs = jsonLines(r.stdout);
  for (const rec of recs) expect(eveProblems(rec)).toEqual([]);
  return recs as unknown as Alert[];
}

const sids = (a: Alert[]): number[] => a.map((x) => x.alert.signature_id).sort((x, y) => x - y);

describe('payload rules', () => {
  it('finds a content split across two TCP segments (stream inspection)', () => {
    const c = new TcpConversation(client, server).handshake().send(true, 'hello evil').send(true, 'payload here').close();
    const a = alerts(
      c.records,
      'alert tcp any any -> any any (msg:"split"; flow:established,to_server; content:"evilpayload"; sid:1;)\n',
    );
    expect(sids(a)).toEqual([1]);
  });

  it('keeps the stream tail of every direction of many concurrent flows apart', () => {
    // 1,200 directions, each with a pattern split across two segments, the second segments
    // only after every flow's first: each direction's tail must still be its own.
    const records: PcapRecord[] = [];
    const convs: TcpConversation[] = [];
    for (let i = 0; i < 600; i++) {
      const c = new TcpConversation({ ip: `10.68.${i >> 8}.${(i & 255) + 1}`, port: 30000 + i }, server);
      c.t += i * 10;
      c.handshake().send(true, `req ${i} evil`).send(false, `resp ${i} evil`);
      convs.push(c);
    }
    convs.forEach((c, i) => {
      c.t = 1_700_000_001_000_000 + i * 10;
      c.send(true, `payload to server ${i}`).send(false, `payload to client ${i}`).close();
      records.push(...c.records);
    });
    const a = alerts(records, 'alert tcp any any -> any any (content:"evilpayload"; sid:1;)\n');
    expect(a).toHaveLength(1200);
    expect(a.filter((x) => x.direction === 'to_server')).toHaveLength(600);
  });

  it('applies depth, offset, distance and within as Suricata does, with negation', () => {
    const c = new TcpConversation(client, server).handshake().send(true, 'ABCDEFGHIJ').close();
    const a = alerts(
      c.records,
      [
        'alert tcp any any -> any any (content:"ABC"; depth:3; content:"FG"; distance:2; within:4; sid:1;)',
        'alert tcp any any -> any any (content:"BCD"; depth:3; sid:2;)',
        'alert tcp any any -> any any (content:"A"; content:!"Z"; sid:3;)',
        'alert tcp any any -> any any (content:"C"; offset:2; content:"J"; endswith; sid:4;)',
        'alert tcp any any -> any any (content:"abc"; nocase; pcre:"/D.F/R"; sid:5;)',
        'alert tcp any any -> any any (content:"E"; byte_test:1,=,0x46,0,relative; isdataat:4,relative; sid:6;)',
        'alert tcp any any -> any any (content:"E"; isdataat:6,relative; sid:7;)',
      ].join('\n'),
    );
    expect(sids(a)).toEqual([1, 3, 4, 5, 6]);
  });

  it('runs UDP and header rules per packet, with thresholds in packet time', () => {
    const records: PcapRecord[] = [];
    for (let i = 0; i < 5; i++) {
      records.push({ sec: 1000 + i, frac: 0, data: udpFrame(client, { ip: server.ip, port: 53 }, Buffer.from(`probe ${i}`)) });
    }
    const a = alerts(
      records,
      [
        'alert udp any any -> any 53 (content:"probe"; sid:1;)',
        'alert udp any any -> any 53 (content:"probe"; threshold:type limit, track by_src, count 2, seconds 60; sid:2;)',
        'alert udp any any -> any 53 (content:"probe"; detection_filter:track by_dst, count 3, seconds 60; sid:3;)',
        'alert udp any any -> any 53 (dsize:7; sid:4;)',
        'alert udp any any -> any 54 (content:"probe"; sid:5;)',
      ].join('\n'),
    );
    const count = (sid: number): number => a.filter((x) => x.alert.signature_id === sid).length;
    expect([count(1), count(2), count(3), count(4), count(5)]).toEqual([5, 2, 2, 5, 0]);
    expect(a.find((x) => x.alert.signature_id === 1)!.pcap_cnt).toBe(1);
  });
});

describe('actions', () => {
  it('a pass rule silences the rules after it for that packet', () => {
    const records: PcapRecord[] = [
      { sec: 1000, frac: 0, data: udpFrame(client, { ip: server.ip, port: 53 }, Buffer.from('probe trusted')) },
      { sec: 1001, frac: 0, data: udpFrame(client, { ip: server.ip, port: 53 }, Buffer.from('probe other')) },
    ];
    const a = alerts(
      records,
      [
        'pass udp any any -> any 53 (content:"trusted"; sid:1;)',
        'alert udp any any -> any 53 (content:"probe"; sid:2;)',
      ].join('\n'),
    );
    expect(sids(a)).toEqual([2]);
    expect(a[0]!.pcap_cnt).toBe(2);
  });
});

describe('flow state', () => {
  it('sets and tests flowbits across packets of a flow; noalert rules stay silent', () => {
    const c = new TcpConversation(client, server).handshake().send(true, 'LOGIN admin').send(false, 'OK welcome').close();
    const a = alerts(
      c.records,
      [
        'alert tcp any any -> any any (flow:to_server; content:"LOGIN"; flowbits:set,login; flowbits:noalert; sid:1;)',
        'alert tcp any any -> any any (flow:to_client; content:"OK"; flowbits:isset,login; sid:2;)',
        'alert tcp any any -> any any (flow:to_client; content:"OK"; flowbits:isnotset,login; sid:3;)',
      ].join('\n'),
    );
    expect(sids(a)).toEqual([2]);
    // The alert is oriented as the packet that matched: server to client.
    expect(a[0]!.src_ip).toBe(server.ip);
    expect(a[0]!.direction).toBe('to_client');
  });

  it('flow:established does not match the handshake; flags match it', () => {
    const c = new TcpConversation(client, server).handshake().send(true, 'x').close();
    const a = alerts(
      c.records,
      [
        'alert tcp any any -> any any (flags:S; sid:1;)',
        'alert tcp any any -> any any (flags:SA; flow:to_client; sid:2;)',
        'alert tcp any any -> any any (flow:established,to_server; dsize:>0; sid:3;)',
      ].join('\n'),
    );
    expect(sids(a)).toEqual([1, 2, 3]);
  });
});

describe('app-layer rules', () => {
  it('matches HTTP sticky buffers once per transaction and carries the http object', () => {
    const c = new TcpConversation(client, server)
      .handshake()
      .send(true, 'GET /admin/../etc/passwd HTTP/1.1\r\nHost: web\r\nUser-Agent: sqlmap/1.7\r\n\r\n')
      .send(false, 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n')
      .send(true, 'GET /ok HTTP/1.1\r\nHost: web\r\nUser-Agent: sqlmap/1.7\r\n\r\n')
      .send(false, 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello')
      .close();
    const a = alerts(
      c.records,
      [
        'alert http any any -> any any (msg:"sqlmap"; http.user_agent; content:"sqlmap"; startswith; classtype:web-application-attack; sid:1;)',
        'alert http any any -> any any (http.uri; content:"/etc/passwd"; sid:2;)',
        'alert http any any -> any any (http.stat_code; content:"200"; file.data; content:"hello"; sid:3;)',
        'alert http any any -> any any (content:"passwd"; http_uri; content:"web"; http_host; sid:4;)',
        'drop http any any -> any any (http.method; content:"POST"; sid:5;)',
      ].join('\n'),
    );
    expect(sids(a)).toEqual([1, 1, 2, 3, 4]);
    const ua = a.find((x) => x.alert.signature_id === 1)!;
    expect(ua.alert.severity).toBe(1);
    expect(ua.alert.category).toBe('Web Application Attack');
    // EVE url is the URI as sent (Suricata's too); http.uri matched the normalised one.
    expect(ua.http?.url).toBe('/admin/../etc/passwd');
    expect(a.find((x) => x.alert.signature_id === 3)!.direction).toBe('to_client');
  });

  it('prefilters pcre-only rules on the literals their regex requires, and they still fire', () => {
    const c = new TcpConversation(client, server)
      .handshake()
      .send(true, 'GET /cgi/x?f=/ETC/Shadow HTTP/1.1\r\nHost: web\r\n\r\n')
      .send(false, 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n')
      .send(true, 'GET /etc-passwd.html HTTP/1.1\r\nHost: web\r\n\r\n')
      .send(false, 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n')
      .close();
    const pcap = writePcap(dir, 'pcre-only.pcap', c.records);
    const rulesFile = join(dir, 'pcre-only.rules');
    writeFileSync(
      rulesFile,
      [
        // literals "passwd" | "shadow", nocase: a candidate on the first request only
        'alert http any any -> any any (http.uri; pcre:"/\\/etc\\/(?:passwd|shadow)/i"; sid:1;)',
        // no literal of 3 bytes: runs on every transaction, as before
        'alert http any any -> any any (http.uri; pcre:"/^\\/[a-z]{3}\\//"; sid:2;)',
      ].join('\n'),
    );
    const r = vsids(['replay', pcap, '-S', rulesFile, '-l', '-', '--eve-types', 'alert']);
    expect(r.code, r.stderr).toBe(0);
    expect(sids(jsonLines(r.stdout) as unknown as Alert[])).toEqual([1, 2]);
    expect(r.stderr).toMatch(/rules +2 loaded from 1 files \(1 without a prefilter pattern\)/);
  });

  it('a rule mixing raw content and file.data matches when the content passed earlier in the stream', () => {
    const c = new TcpConversation(client, server)
      .handshake()
      .send(true, 'GET /page HTTP/1.1\r\nHost: web\r\n\r\n')
      .send(false, 'HTTP/1.1 200 OK\r\nContent-Length: 34\r\n\r\n<meta MARKER>')
      .send(false, '... and the tail-end.')
      .close();
    const a = alerts(
      c.records,
      [
        'alert http any any -> any any (content:"MARKER"; file.data; content:"tail-end"; sid:1;)',
        'alert http any any -> any any (content:"ABSENT"; file.data; content:"tail-end"; sid:2;)',
      ].join('\n'),
    );
    expect(sids(a)).toEqual([1]);
  });

  it('a rule prefiltered on a request buffer but due at the response still fires at the response', () => {
    // The longest content, the fast pattern, is in http.uri (complete at the request headers);
    // http.stat_code makes the rule wait for the response headers.
    const c = new TcpConversation(client, server)
      .handshake()
      .send(true, 'GET /downloads/installer-long-name.exe HTTP/1.1\r\nHost: web\r\n\r\n')
      .send(false, 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n')
      .send(true, 'GET /downloads/installer-long-name.exe HTTP/1.1\r\nHost: web\r\n\r\n')
      .send(false, 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n')
      .close();
    const a = alerts(
      c.records,
      [
        'alert http any any -> any any (http.uri; content:"/downloads/installer-long-name.exe"; http.stat_code; content:"200"; sid:1;)',
        'alert http any any -> any any (http.uri; content:"/downloads/installer-long-name.exe"; http.stat_code; content:"404"; sid:2;)',
        'alert http any any -> any any (http.uri; content:"/downloads/installer-long-name.exe"; http.stat_code; content:"500"; sid:3;)',
      ].join('\n'),
    );
    expect(sids(a)).toEqual([1, 2]);
    expect(a.every((x) => x.direction === 'to_client')).toBe(true);
  });

  it('keeps the bodies of pipelined transactions apart, each readable until its transaction is complete', () => {
    // Body memory is reused once a transaction is complete: the second transaction's bodies
    // must not be the first one's, and a request body must outlive its request (a rule on it
    // with a response keyword runs at the response).
    const body = (size: number, marker: string): string => 'x'.repeat(size - marker.length) + marker;
    const post = (marker: string): string =>
      `POST /upload HTTP/1.1\r\nHost: web\r\nContent-Length: 6000\r\n\r\n${body(6000, marker)}`;
    const reply = (status: string, marker: string): string =>
      `HTTP/1.1 ${status}\r\nContent-Length: 9000\r\n\r\n${body(9000, marker)}`;
    const c = new TcpConversation(client, server).handshake();
    const sendSegments = (toServer: boolean, data: string): void => {
      for (let i = 0; i < data.length; i += 1400) c.send(toServer, data.slice(i, i + 1400));
    };
    sendSegments(true, post('needle-one') + post('needle-two'));
    sendSegments(false, reply('200 OK', 'resp-one') + reply('201 Created', 'resp-two'));
    c.close();
    const a = alerts(
      c.records,
      [
        'alert http any any -> any any (http.request_body; content:"needle-one"; http.stat_code; content:"200"; sid:1;)',
        'alert http any any -> any any (file.data; content:"resp-one"; sid:2;)',
        'alert http any any -> any any (http.request_body; content:"needle-two"; http.stat_code; content:"201"; sid:3;)',
        'alert http any any -> any any (file.data; content:"resp-two"; sid:4;)',
        'alert http any any -> any any (http.request_body; content:"needle-one"; http.stat_code; content:"201"; sid:5;)',
      ].join('\n'),
    );
    expect(sids(a)).toEqual([1, 2, 3, 4]);
  });

  it('reads the header buffers beyond the issue list (referer, accept, server, location, protocol)', () => {
    const c = new TcpConversation(client, server)
      .handshake()
      .send(true, 'GET / HTTP/1.1\r\nHost: web\r\nReferer: http://evil.example/\r\nAccept: text/x-probe\r\n\r\n')
      .send(false, 'HTTP/1.1 302 Found\r\nServer: nginx-odd\r\nLocation: http://drop.example/x\r\nContent-Length: 0\r\n\r\n')
      .close();
    const a = alerts(
      c.records,
      [
        'alert http any any -> any any (http.referer; content:"evil.example"; sid:1;)',
        'alert http any any -> any any (http.accept; content:"text/x-probe"; bsize:12; sid:2;)',
        'alert http any any -> any any (http.server; content:"nginx-odd"; sid:3;)',
        'alert http any any -> any any (http.location; content:"drop.example"; sid:4;)',
        'alert http any any -> any any (flow:to_server; http.protocol; content:"HTTP/1.1"; sid:5;)',
        'alert http any any -> any any (http.referer; content:"good.example"; sid:6;)',
      ].join('\n'),
    );
    expect(sids(a)).toEqual([1, 2, 3, 4, 5]);
  });

  it('records the action of drop rules (vsids is passive)', () => {
    const c = new TcpConversation(client, server)
      .handshake()
      .send(true, 'POST /x HTTP/1.1\r\nHost: web\r\nContent-Length: 0\r\n\r\n')
      .close();
    const a = alerts(c.records, 'drop http any any -> any any (http.method; content:"POST"; sid:5;)\n');
    expect(sids(a)).toEqual([5]);
    expect(a[0]!.alert.metadata).toEqual({ rule_action: ['drop'] });
  });
});

describe('loading', () => {
  it('reports a bad rule as file:line and loads the rest', () => {
    const c = new TcpConversation(client, server).handshake().send(true, 'abc').close();
    const pcap = writePcap(dir, 'load.pcap', c.records);
    const rules = join(dir, 'load.rules');
    writeFileSync(rules, 'alert tcp any any -> any any (content:"abc"; sid:1;)\nalert tcp any any -> any any (conten:"x"; sid:2;)\n');
    const r = vsids(['replay', pcap, '-S', rules, '-l', '-', '--eve-types', 'alert', '--log-level', 'warn']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`vsids: ${rules}:2: unsupported keyword "conten" (rule skipped)`);
    expect(r.stderr).toMatch(/rules {5}1 loaded from 1 files \(1 rejected\)/);
    expect(sids(jsonLines(r.stdout) as unknown as Alert[])).toEqual([1]);
  });

  it('a missing rule file is an error naming it; --var overrides a group', () => {
    const c = new TcpConversation(client, server).handshake().send(true, 'abc').close();
    const pcap = writePcap(dir, 'var.pcap', c.records);
    const missing = vsids(['replay', pcap, '-S', join(dir, 'nope.rules')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.rules: no such file or directory');
    const rules = join(dir, 'var.rules');
    writeFileSync(rules, 'alert tcp $HOME_NET any -> $HOME_NET any (content:"abc"; sid:1;)\n');
    const inside = vsids(['replay', pcap, '-S', rules, '-l', '-', '--eve-types', 'alert']);
    expect(jsonLines(inside.stdout)).toHaveLength(1);
    const outside = vsids(['replay', pcap, '-S', rules, '-l', '-', '--eve-types', 'alert', '--var', 'HOME_NET=[192.168.0.0/16]']);
    expect(outside.code).toBe(0);
    expect(jsonLines(outside.stdout)).toHaveLength(0);
  });
});
