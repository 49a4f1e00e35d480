// HttpTx fields are made on first use from the bytes the transaction owns: these tests pin
// down that doing so lazily changes nothing observable (values, their lifetime, assignment).
import { describe, expect, it } from 'vitest';
import { createHttpParser, type HttpTx, httpParser } from '../../src/app/http.js';
import { parseHostPort, parseHostPortInto, URI_SURICATA_IDS } from '../../src/app/http-uri.js';
import {
  type AppParser,
  type AppSink,
  type AppTx,
  type Direction,
  TO_CLIENT,
  TO_SERVER,
  TX_REQUEST_HEADERS,
  TX_RESPONSE_DONE,
  TX_RESPONSE_HEADERS,
} from '../../src/app/types.js';

const s = (v: Buffer | undefined): string | undefined => v?.toString('latin1');

class Sink implements AppSink {
  readonly txs: HttpTx[] = [];
  readonly events: string[] = [];
  /** Called at each progress point, with the flag just reached. */
  onProgress: ((tx: HttpTx, flag: number) => void) | undefined = undefined;
  private readonly seen = new Map<AppTx, number>();

  txProgress(_flow: unknown, tx: AppTx, _dir: Direction): void {
    const prev = this.seen.get(tx) ?? 0;
    if (prev === 0) this.txs.push(tx as HttpTx);
    this.seen.set(tx, tx.progress);
    this.onProgress?.(tx as HttpTx, tx.progress & ~prev);
  }

  anomaly(_flow: unknown, _proto: string, event: string): void {
    this.events.push(event);
  }
}

/** Feed each step from one shared buffer that is overwritten after every call. */
function feed(
  steps: readonly (readonly [Direction, string])[],
  parser: AppParser = httpParser,
  sink = new Sink(),
): Sink {
  const st = parser.create(sink, 1);
  const shared = Buffer.alloc(256 * 1024);
  for (const [dir, text] of steps) {
    const data = Buffer.from(text, 'latin1');
    const off = 1000;
    shared.fill(0x0a); // LFs all around: nothing may be read past `end`
    data.copy(shared, off);
    st.parse(dir, shared, off, off + data.length, 0, 0);
    shared.fill(0x58); // the parser must have copied what it keeps
  }
  st.end();
  return sink;
}

const REQ =
  'GET /a/./b/../c%41?x=%2F HTTP/1.1\r\nHost: WWW.Example.COM.:8080\r\nUser-Agent: ua/1\r\nCookie: c=1\r\n\r\n';
const RESP =
  'HTTP/1.1 200 OK\r\nServer: srv\r\nContent-Type: text/plain\r\nSet-Cookie: s=1\r\nContent-Length: 2\r\n\r\nok';

describe('lazy fields', () => {
  it('survive the input buffer being reused', () => {
    const t = feed([
      [TO_SERVER, REQ],
      [TO_CLIENT, RESP],
    ]).txs[0]!;
    expect(s(t.requestHead)).toBe(REQ);
    expect(s(t.requestLine)).toBe('GET /a/./b/../c%41?x=%2F HTTP/1.1');
    expect(s(t.method)).toBe('GET');
    expect(s(t.uriRaw)).toBe('/a/./b/../c%41?x=%2F');
    expect(s(t.uri)).toBe('/a/cA?x=/');
    expect(s(t.protocol)).toBe('HTTP/1.1');
    expect(s(t.host)).toBe('www.example.com');
    expect(s(t.hostRaw)).toBe('WWW.Example.COM.:8080');
    expect(t.port).toBe(8080);
    expect(s(t.userAgent)).toBe('ua/1');
    expect(s(t.cookie)).toBe('c=1');
    expect(s(t.requestHeaders)).toBe('Host: WWW.Example.COM.:8080\r\nUser-Agent: ua/1\r\n');
    expect(s(t.requestHeadersRaw)).toBe('Host: WWW.Example.COM.:8080\r\nUser-Agent: ua/1\r\nCookie: c=1\r\n\r\n');
    expect(s(t.responseLine)).toBe('HTTP/1.1 200 OK');
    expect(s(t.responseProtocol)).toBe('HTTP/1.1');
    expect(s(t.statusCodeBuf)).toBe('200');
    expect(s(t.statusMessage)).toBe('OK');
    expect(s(t.server)).toBe('srv');
    expect(s(t.responseContentType)).toBe('text/plain');
    expect(s(t.setCookie)).toBe('s=1');
    expect(s(t.responseHeaders)).toBe('Server: srv\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n');
    expect(t.responseHeaderList.map((h) => `${s(h.name)}=${s(h.value)}`)).toEqual([
      'Server=srv',
      'Content-Type=text/plain',
      'Set-Cookie=s=1',
      'Content-Length=2',
    ]);
    expect(t.responseBodyLength).toBe(2);
    expect(t.requestBody).toBeUndefined();
  });

  it('read at every progress point: absent until their head, then the same values', () => {
    const sink = new Sink();
    const seen: string[] = [];
    sink.onProgress = (t, flag) => {
      if (flag === TX_REQUEST_HEADERS) {
        seen.push(`req ${s(t.uri)} ${s(t.statusMessage)} ${t.responseHeaderList.length} ${s(t.server)}`);
      }
      if (flag === TX_RESPONSE_HEADERS) seen.push(`resp ${s(t.statusMessage)} ${s(t.server)} ${s(t.responseHeaders)}`);
      if (flag === TX_RESPONSE_DONE) seen.push(`done ${t.responseBodyLength}`);
    };
    feed(
      [
        [TO_SERVER, REQ],
        [TO_CLIENT, RESP],
      ],
      httpParser,
      sink,
    );
    expect(seen).toEqual([
      'req /a/cA?x=/ undefined 0 undefined',
      'resp OK srv Server: srv\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n',
      'done 2',
    ]);
    const t = sink.txs[0]!;
    expect(s(t.server)).toBe('srv');
    expect(t.responseHeaderList).toHaveLength(4);
  });

  it('can be assigned', () => {
    const t = feed([[TO_SERVER, REQ]]).txs[0]!;
    expect(s(t.uri)).toBe('/a/cA?x=/');
    t.uri = Buffer.from('/other');
    t.userAgent = undefined;
    t.requestHeaderList = [];
    t.statusMessage = Buffer.from('set before the response');
    expect(s(t.uri)).toBe('/other');
    expect(t.userAgent).toBeUndefined();
    expect(t.requestHeaderList).toEqual([]);
    expect(s(t.statusMessage)).toBe('set before the response');
    expect(s(t.method)).toBe('GET');
  });

  it('http.uri and http.host: as sent when normalising changes nothing', () => {
    const t = feed([[TO_SERVER, 'GET /plain/path?q=1 HTTP/1.1\r\nHost: lower.example\r\n\r\n']]).txs[0]!;
    expect(s(t.uri)).toBe('/plain/path?q=1');
    expect(s(t.host)).toBe('lower.example');
    const ids = createHttpParser({ uri: URI_SURICATA_IDS });
    const u = feed([[TO_SERVER, 'GET //a\\b/%2e%2E/c HTTP/1.1\r\nHost: H\r\n\r\n']], ids).txs[0]!;
    expect(s(u.uri)).toBe('/a/c');
    expect(s(u.host)).toBe('h');
    const c = feed([[TO_SERVER, 'CONNECT Proxy.Example:443 HTTP/1.1\r\nHost: Proxy.Example:443\r\n\r\n']]).txs[0]!;
    expect(s(c.uri)).toBe('Proxy.Example:443');
    expect(s(c.host)).toBe('proxy.example');
    expect(c.port).toBe(443);
  });

  it('values folded over lines or merged from repeated headers', () => {
    const t = feed([
      [
        TO_SERVER,
        'POST /p HTTP/1.1\r\nHost: a.example\r\nhost: B.example\r\nUser-Agent: one\r\n two\r\nX-A: 1\r\nx-a: 2\r\n' +
          'Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\nReferer: r\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
      ],
      [TO_CLIENT, 'HTTP/1.1 200 OK\r\nServer: a\r\nSERVER: b\r\nContent-Length: 0\r\n\r\n'],
    ]);
    const t0 = t.txs[0]!;
    expect(s(t0.hostRaw)).toBe('a.example, B.example');
    expect(s(t0.host)).toBe('a.example, b.example');
    expect(s(t0.userAgent)).toBe('one two');
    expect(s(t0.requestHeader('X-A'))).toBe('1, 2');
    expect(s(t0.referer)).toBe('r');
    expect(t0.requestBodyLength).toBe(3); // "gzip, chunked": chunked
    expect(s(t0.server)).toBe('a, b');
    expect(t.events).toContain('http.request_header_host_invalid');
  });

  it('a head whose end follows the chunk in the same buffer is not complete yet', () => {
    const sink = new Sink();
    const st = httpParser.create(sink, 1);
    const buf = Buffer.from('GET / HTTP/1.1\r\nHost: h\r\n\r\n', 'latin1');
    // the chunk stops after "Host: h\r\n"; the blank line after it is not part of it
    const cut = buf.indexOf('\r\n\r\n') + 2;
    st.parse(TO_SERVER, buf, 0, cut, 0, 0);
    expect(sink.txs).toHaveLength(0);
    st.parse(TO_SERVER, Buffer.from('\r\n'), 0, 2, 0, 0);
    expect(sink.txs).toHaveLength(1);
    expect(s(sink.txs[0]!.requestHead)).toBe('GET / HTTP/1.1\r\nHost: h\r\n\r\n');
  });

  it('many pipelined heads in one chunk, and heads larger than a slab', () => {
    const big = `X-Big: ${'b'.repeat(3000)}\r\n`.repeat(3); // a head larger than half a slab
    let reqs = '';
    for (let i = 0; i < 200; i++) reqs += `GET /${i} HTTP/1.1\r\nHost: h${i}\r\n${i % 50 === 7 ? big : ''}\r\n`;
    const sink = feed([[TO_SERVER, reqs]]);
    expect(sink.txs).toHaveLength(200);
    sink.txs.forEach((t, i) => {
      expect(s(t.uri)).toBe(`/${i}`);
      expect(s(t.host)).toBe(`h${i}`);
      expect(t.requestHeaderList).toHaveLength(i % 50 === 7 ? 2 : 1);
    });
    expect(s(sink.txs[7]!.requestHeader('x-big'))?.length).toBe(3 * 3000 + 2 * 2);
  });

  it('toEve() is the same whether fields were read before or not', () => {
    const a = feed([
      [TO_SERVER, REQ],
      [TO_CLIENT, RESP],
    ]).txs[0]!;
    const b = feed([
      [TO_SERVER, REQ],
      [TO_CLIENT, RESP],
    ]).txs[0]!;
    void [b.host, b.uri, b.requestHeaderList, b.responseHeaders, b.server];
    expect(b.toEve({ headers: true })).toEqual(a.toEve({ headers: true }));
    expect(a.toEve()).toMatchObject({ hostname: 'www.example.com', http_port: 8080, url: '/a/./b/../c%41?x=%2F' });
  });
});

describe('sink re-entrance', () => {
  it('a sink may feed another flow while it is told of an anomaly', () => {
    const other = new Sink();
    const otherState = httpParser.create(other, 2);
    let fed = false;
    const sink = new Sink();
    sink.anomaly = (_flow: unknown, _proto: string, event: string): void => {
      sink.events.push(event);
      if (fed) return;
      fed = true;
      const req = Buffer.from('GET /other HTTP/1.1\r\nHost: other.example\r\nX: 1\r\nX: 2\r\n\r\n', 'latin1');
      otherState.parse(TO_SERVER, req, 0, req.length, 0, 0);
    };
    // a header without a colon and no Host: anomalies while the head is being finished
    const t = feed([[TO_SERVER, 'GET /first HTTP/1.1\r\nNo colon here\r\nUser-Agent: ua\r\n\r\n']], httpParser, sink)
      .txs[0]!;
    expect(sink.events).toEqual(['http.request_field_missing_colon', 'http.missing_host_header']);
    expect(s(t.uri)).toBe('/first');
    expect(s(t.userAgent)).toBe('ua');
    expect(t.host).toBeUndefined();
    const o = other.txs[0]!;
    expect(s(o.uri)).toBe('/other');
    expect(s(o.host)).toBe('other.example');
    expect(s(o.requestHeader('x'))).toBe('1, 2');
  });
});

describe('parseHostPortInto', () => {
  it('fills the given object as parseHostPort returns', () => {
    const out = { hostStart: 0, hostEnd: 0, port: -1, invalid: false };
    for (const v of ['h', 'h:80', ' [::1]:8080 ', 'h:x', ':80', 'a b']) {
      const b = Buffer.from(v, 'latin1');
      expect(parseHostPortInto(b, 0, b.length, out)).toBe(out);
      expect(out).toEqual(parseHostPort(b, 0, b.length));
    }
  });
});
