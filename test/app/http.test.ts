import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, gzipSync } from 'node:zlib';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { createHttpParser, HTTP_EVENTS, type HttpTx, httpParser } from '../../src/app/http.js';
import { URI_SURICATA_IDS } from '../../src/app/http-uri.js';
import {
  type AppParser,
  type AppSink,
  type AppTx,
  type Direction,
  PROBE_NEED_MORE,
  PROBE_NO,
  PROBE_YES,
  TO_CLIENT,
  TO_SERVER,
  TX_REQUEST_DONE,
  TX_REQUEST_HEADERS,
  TX_RESPONSE_DONE,
  TX_RESPONSE_HEADERS,
} from '../../src/app/types.js';
import { SHARED } from '../helpers/cli.js';
import { rng } from '../helpers/rng.js';

const FLAG_NAMES: Record<number, string> = {
  [TX_REQUEST_HEADERS]: 'REQ_HDR',
  [TX_REQUEST_DONE]: 'REQ_DONE',
  [TX_RESPONSE_HEADERS]: 'RESP_HDR',
  [TX_RESPONSE_DONE]: 'RESP_DONE',
};

/** A sink that records everything, and checks the progress contract as it goes. */
class Recorder implements AppSink {
  readonly log: string[] = [];
  readonly anomalies: string[] = [];
  readonly txs: HttpTx[] = [];
  private readonly seen = new Map<AppTx, number>();

  txProgress(_flow: unknown, tx: AppTx, dir: Direction): void {
    const prev = this.seen.get(tx) ?? 0;
    const added = tx.progress & ~prev;
    // exactly one new flag per call, never lost ones
    if ((prev & ~tx.progress) !== 0 || added === 0 || (added & (added - 1)) !== 0) {
      throw new Error(`bad progress ${prev} -> ${tx.progress} on tx ${tx.id}`);
    }
    const wantDir = added & (TX_REQUEST_HEADERS | TX_REQUEST_DONE) ? TO_SERVER : TO_CLIENT;
    if (dir !== wantDir) throw new Error(`flag ${added} reported for dir ${dir}`);
    if (prev === 0) this.txs.push(tx as HttpTx);
    this.seen.set(tx, tx.progress);
    this.log.push(`${tx.id}:${FLAG_NAMES[added]}`);
  }

  anomaly(_flow: unknown, proto: string, event: string): void {
    if (proto !== 'http') throw new Error(`proto ${proto}`);
    this.anomalies.push(event);
    this.log.push(`!${event}`);
  }

  tx(id: number): HttpTx {
    const t = this.txs.find((x) => x.id === id);
    if (t === undefined) throw new Error(`no tx ${id}`);
    return t;
  }
}

type Step = readonly [Direction, string | Buffer] | readonly ['gap', Direction, number];

const b = (s: string | Buffer): Buffer => (typeof s === 'string' ? Buffer.from(s, 'latin1') : s);

/** Feed a conversation; `split` gives the chunk sizes of each step's bytes. */
function run(
  steps: readonly Step[],
  opts: { parser?: AppParser; split?: (len: number, step: number) => number[]; end?: boolean } = {},
): Recorder {
  const rec = new Recorder();
  const st = (opts.parser ?? httpParser).create(rec, { flow: 1 });
  steps.forEach((step, i) => {
    if (step[0] === 'gap') {
      st.gap(step[1], step[2]);
      return;
    }
    const data = b(step[1]);
    const sizes = opts.split ? opts.split(data.length, i) : [data.length];
    let off = 0;
    for (let n of sizes) {
      n = Math.min(n, data.length - off);
      if (n <= 0) break;
      // each chunk in its own buffer with unrelated bytes around it, as a reused segment buffer
      const seg = Buffer.alloc(n + 8, 0x41);
      data.copy(seg, 4, off, off + n);
      st.parse(step[0], seg, 4, 4 + n, 0, 0);
      off += n;
    }
    if (off < data.length) st.parse(step[0], data, off, data.length, 0, 0);
  });
  if (opts.end !== false) st.end();
  return rec;
}

const s = (v: Buffer | undefined): string | undefined => v?.toString('latin1');

/** Everything observable about a run, for comparing runs. */
function digest(rec: Recorder): unknown {
  return {
    log: rec.log,
    txs: rec.txs.map((t) => ({
      id: t.id,
      progress: t.progress,
      method: s(t.method),
      uri: s(t.uri),
      uriRaw: s(t.uriRaw),
      protocol: s(t.protocol),
      requestLine: s(t.requestLine),
      host: s(t.host),
      hostRaw: s(t.hostRaw),
      port: t.port,
      ua: s(t.userAgent),
      cookie: s(t.cookie),
      headers: s(t.requestHeaders),
      headersRaw: s(t.requestHeadersRaw),
      list: t.requestHeaderList.map((h) => [s(h.name), s(h.value)]),
      body: s(t.requestBody),
      bodyLen: t.requestBodyLength,
      status: t.statusCode,
      statusBuf: s(t.statusCodeBuf),
      msg: s(t.statusMessage),
      rline: s(t.responseLine),
      rheaders: s(t.responseHeaders),
      rheadersRaw: s(t.responseHeadersRaw),
      rbody: s(t.responseBody),
      rbodyLen: t.responseBodyLength,
      rmsgLen: t.responseMessageLength,
      truncated: t.truncated,
      events: t.events,
      eve: t.toEve({ headers: true }),
    })),
  };
}

const GET = 'GET /index.html HTTP/1.1\r\nHost: www.Example.com\r\nUser-Agent: test/1.0\r\nCookie: a=1\r\n\r\n';
const OK = 'HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 5\r\n\r\nhello';

const SIMPLE: Step[] = [
  [TO_SERVER, GET],
  [TO_CLIENT, OK],
];

const CHUNKED: Step[] = [
  [
    TO_SERVER,
    'POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n' +
      '5;name=value\r\nhello\r\n6 ; x="y"\r\n world\r\n0\r\nX-Trailer: yes\r\n\r\n',
  ],
  [
    TO_CLIENT,
    'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n' +
      '3\r\nabc\r\nA;ext\r\n0123456789\r\n0\r\nX-T: 1\r\nX-U: 2\r\n\r\n',
  ],
];

const PIPELINED: Step[] = [
  [
    TO_SERVER,
    'GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\nPOST /3 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nxyz',
  ],
  [
    TO_CLIENT,
    'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nAHTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nBB' +
      'HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n',
  ],
];

describe('probe', () => {
  const p = httpParser.probe;
  const pr = (str: string, dir: Direction) => p(b(str), 0, str.length, dir);
  it('requests', () => {
    expect(pr('GET / HTTP/1.1\r\n', TO_SERVER)).toBe(PROBE_YES);
    expect(pr('PROPFIND /x', TO_SERVER)).toBe(PROBE_YES);
    expect(pr('VERSION-CONTROL /', TO_SERVER)).toBe(PROBE_YES);
    expect(pr('get /', TO_SERVER)).toBe(PROBE_YES);
    expect(pr('PO', TO_SERVER)).toBe(PROBE_NEED_MORE);
    expect(pr('GET', TO_SERVER)).toBe(PROBE_NEED_MORE);
    expect(pr('', TO_SERVER)).toBe(PROBE_NEED_MORE);
    expect(pr('GETX /', TO_SERVER)).toBe(PROBE_NO);
    expect(pr('\x16\x03\x01', TO_SERVER)).toBe(PROBE_NO);
    expect(pr('SSH-2.0', TO_SERVER)).toBe(PROBE_NO);
  });
  it('responses', () => {
    expect(pr('HTTP/1.1 200 OK', TO_CLIENT)).toBe(PROBE_YES);
    expect(pr('HTTP/1.0', TO_CLIENT)).toBe(PROBE_YES);
    expect(pr('HTT', TO_CLIENT)).toBe(PROBE_NEED_MORE);
    expect(pr('HTTP/2', TO_CLIENT)).toBe(PROBE_NO);
    expect(pr('SSH-2.0', TO_CLIENT)).toBe(PROBE_NO);
  });
  it('respects off/end', () => {
    const buf = b('xxGET /yy');
    expect(p(buf, 2, 6, TO_SERVER)).toBe(PROBE_YES);
    expect(p(buf, 2, 4, TO_SERVER)).toBe(PROBE_NEED_MORE);
  });
  it('default ports', () => {
    expect([...httpParser.defaultPorts].sort((x, y) => x - y)).toEqual([80, 3128, 8000, 8008, 8080, 8888]);
    expect(httpParser.transport).toBe('tcp');
  });
});

describe('simple GET / 200', () => {
  it('parses every field', () => {
    const rec = run(SIMPLE);
    expect(rec.anomalies).toEqual([]);
    expect(rec.log).toEqual(['0:REQ_HDR', '0:REQ_DONE', '0:RESP_HDR', '0:RESP_DONE']);
    const t = rec.tx(0);
    expect(s(t.method)).toBe('GET');
    expect(s(t.uri)).toBe('/index.html');
    expect(s(t.uriRaw)).toBe('/index.html');
    expect(s(t.protocol)).toBe('HTTP/1.1');
    expect(s(t.requestLine)).toBe('GET /index.html HTTP/1.1');
    expect(s(t.host)).toBe('www.example.com');
    expect(s(t.hostRaw)).toBe('www.Example.com');
    expect(t.port).toBe(-1);
    expect(s(t.userAgent)).toBe('test/1.0');
    expect(s(t.cookie)).toBe('a=1');
    // http.header: Cookie excluded; http.header.raw: as sent
    expect(s(t.requestHeaders)).toBe('Host: www.Example.com\r\nUser-Agent: test/1.0\r\n');
    expect(s(t.requestHeadersRaw)).toBe('Host: www.Example.com\r\nUser-Agent: test/1.0\r\nCookie: a=1\r\n\r\n');
    expect(t.requestHeaderList.map((h) => `${s(h.name)}=${s(h.value)}`)).toEqual([
      'Host=www.Example.com',
      'User-Agent=test/1.0',
      'Cookie=a=1',
    ]);
    expect(s(t.requestHeader('user-agent'))).toBe('test/1.0');
    expect(t.requestBody).toBeUndefined();
    expect(t.statusCode).toBe(200);
    expect(s(t.statusCodeBuf)).toBe('200');
    expect(s(t.statusMessage)).toBe('OK');
    expect(s(t.responseLine)).toBe('HTTP/1.1 200 OK');
    expect(s(t.responseContentType)).toBe('text/html; charset=utf-8');
    expect(t.responseContentLength).toBe(5);
    expect(s(t.responseBody)).toBe('hello');
    expect(t.responseBodyLength).toBe(5);
    expect(t.truncated).toBe(false);
    expect(t.toEve()).toEqual({
      hostname: 'www.example.com',
      url: '/index.html',
      http_user_agent: 'test/1.0',
      http_content_type: 'text/html',
      http_method: 'GET',
      protocol: 'HTTP/1.1',
      status: 200,
      length: 5,
    });
  });

  it('gives the same result at every split point and byte by byte', () => {
    const want = digest(run(SIMPLE));
    for (let i = 0; i < SIMPLE.length; i++) {
      const len = b(SIMPLE[i]![1] as string).length;
      for (let k = 1; k < len; k++) {
        const got = digest(run(SIMPLE, { split: (n, step) => (step === i ? [k, n - k] : [n]) }));
        expect(got, `step ${i} split at ${k}`).toEqual(want);
      }
    }
    expect(digest(run(SIMPLE, { split: (n) => Array(n).fill(1) }))).toEqual(want);
  });

  it('byte by byte for chunked and pipelined conversations too', () => {
    for (const conv of [CHUNKED, PIPELINED]) {
      const want = digest(run(conv));
      expect(digest(run(conv, { split: (n) => Array(n).fill(1) }))).toEqual(want);
      for (let k = 1; k < 40; k++) {
        expect(digest(run(conv, { split: (n) => [k, n - k] }))).toEqual(want);
      }
    }
  });

  it('tolerates bare LF line endings', () => {
    const rec = run([
      [TO_SERVER, 'GET / HTTP/1.1\nHost: x\nUser-Agent: lf\n\n'],
      [TO_CLIENT, 'HTTP/1.1 200 OK\nContent-Length: 2\n\nok'],
    ]);
    expect(rec.anomalies).toEqual([]);
    const t = rec.tx(0);
    expect(s(t.userAgent)).toBe('lf');
    expect(s(t.requestHeadersRaw)).toBe('Host: x\nUser-Agent: lf\n\n');
    expect(s(t.responseBody)).toBe('ok');
  });
});

describe('pipelining', () => {
  it('pairs responses with requests in order', () => {
    const rec = run(PIPELINED);
    expect(rec.anomalies).toEqual([]);
    expect(rec.log).toEqual([
      '0:REQ_HDR',
      '0:REQ_DONE',
      '1:REQ_HDR',
      '1:REQ_DONE',
      '2:REQ_HDR',
      '2:REQ_DONE',
      '0:RESP_HDR',
      '0:RESP_DONE',
      '1:RESP_HDR',
      '1:RESP_DONE',
      '2:RESP_HDR',
      '2:RESP_DONE',
    ]);
    expect(rec.txs.map((t) => [s(t.uri), t.statusCode, s(t.requestBody), s(t.responseBody)])).toEqual([
      ['/1', 200, undefined, 'A'],
      ['/2', 404, undefined, 'BB'],
      ['/3', 500, 'xyz', undefined],
    ]);
  });

  it('ignores blank lines between requests', () => {
    const rec = run([
      [
        TO_SERVER,
        'POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nab\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n',
      ],
    ]);
    expect(rec.anomalies).toEqual([]);
    expect(rec.txs.map((t) => s(t.uri))).toEqual(['/a', '/b']);
  });
});

describe('bodies', () => {
  it('de-chunks requests and responses with extensions and trailers', () => {
    const rec = run(CHUNKED);
    expect(rec.anomalies).toEqual([]);
    const t = rec.tx(0);
    expect(s(t.requestBody)).toBe('hello world');
    expect(t.requestBodyLength).toBe(11);
    expect(s(t.responseBody)).toBe('abc0123456789');
    expect(t.responseBodyLength).toBe(13);
    const wire = b(CHUNKED[1]![1] as string);
    expect(t.responseMessageLength).toBe(wire.length - wire.indexOf('\r\n\r\n') - 4);
    expect(rec.log).toEqual(['0:REQ_HDR', '0:REQ_DONE', '0:RESP_HDR', '0:RESP_DONE']);
  });

  it('HEAD: Content-Length but no body', () => {
    const rec = run([
      [TO_SERVER, 'HEAD /big HTTP/1.1\r\nHost: h\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n'],
      [TO_CLIENT, 'HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc'],
    ]);
    expect(rec.anomalies).toEqual([]);
    expect(rec.tx(0).responseContentLength).toBe(1000);
    expect(rec.tx(0).responseBody).toBeUndefined();
    expect(rec.tx(0).truncated).toBe(false);
    expect(s(rec.tx(1).responseBody)).toBe('abc');
  });

  // (a 204 / 304 that does announce a body with Content-Length or Transfer-Encoding has one,
  // as libhtp reads it: see http-libhtp.test.ts)
  it('204 and 304 have no body', () => {
    const rec = run([
      [
        TO_SERVER,
        'GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\nGET /c HTTP/1.1\r\nHost: h\r\n\r\n',
      ],
      [
        TO_CLIENT,
        'HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\nETag: "x"\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz',
      ],
    ]);
    expect(rec.anomalies).toEqual([]);
    expect(rec.txs.map((t) => [t.statusCode, s(t.responseBody), t.truncated])).toEqual([
      [204, undefined, false],
      [304, undefined, false],
      [200, 'z', false],
    ]);
  });

  it('100-continue does not consume the transaction', () => {
    const rec = run([
      [TO_SERVER, 'POST /u HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n'],
      [TO_CLIENT, 'HTTP/1.1 100 Continue\r\n\r\n'],
      [TO_SERVER, 'data'],
      [TO_CLIENT, 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'],
    ]);
    expect(rec.anomalies).toEqual([]);
    expect(rec.log).toEqual(['0:REQ_HDR', '0:REQ_DONE', '0:RESP_HDR', '0:RESP_DONE']);
    const t = rec.tx(0);
    expect(t.statusCode).toBe(200);
    expect(s(t.requestBody)).toBe('data');
    expect(s(t.responseBody)).toBe('ok');
  });

  it('a second 100 Continue is an anomaly', () => {
    const rec = run([
      [TO_SERVER, 'POST /u HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n'],
      [
        TO_CLIENT,
        'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n',
      ],
    ]);
    expect(rec.anomalies).toEqual([HTTP_EVENTS.continueAlreadySeen]);
    expect(rec.tx(0).statusCode).toBe(200);
  });

  it('body until close finishes at end()', () => {
    const steps: Step[] = [
      [TO_SERVER, 'GET / HTTP/1.0\r\n\r\n'],
      [TO_CLIENT, 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nline 1\r\nline 2\r\n'],
    ];
    const open = run(steps, { end: false });
    expect(open.log).toEqual(['0:REQ_HDR', '0:REQ_DONE', '0:RESP_HDR']);
    const rec = run(steps);
    expect(rec.log).toEqual(['0:REQ_HDR', '0:REQ_DONE', '0:RESP_HDR', '0:RESP_DONE']);
    expect(s(rec.tx(0).responseBody)).toBe('line 1\r\nline 2\r\n');
    expect(rec.tx(0).truncated).toBe(false);
    expect(rec.anomalies).toEqual([]); // no Host in HTTP/1.0 is fine
  });

  it('keeps only maxBodyInspect bytes but counts them all', () => {
    const p = createHttpParser({ limits: { maxBodyInspect: 10 } });
    const body = 'x'.repeat(100);
    const rec = run(
      [
        [TO_SERVER, `POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n${body}`],
        [TO_CLIENT, `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n${body}\r\n0\r\n\r\n`],
      ],
      { parser: p, split: (n) => Array(Math.ceil(n / 7)).fill(7) },
    );
    const t = rec.tx(0);
    expect(s(t.requestBody)).toBe('x'.repeat(10));
    expect(t.requestBodyLength).toBe(100);
    expect(s(t.responseBody)).toBe('x'.repeat(10));
    expect(t.responseBodyLength).toBe(100);
  });

  it('decompresses gzip and deflate response bodies', () => {
    const text = 'hello compressed world '.repeat(20);
    const gz = gzipSync(text);
    const rec = run([
      [TO_SERVER, 'GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n'],
      [
        TO_CLIENT,
        Buffer.concat([
          b(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${gz.length}\r\n\r\n`),
          gz,
          b(`HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nTransfer-Encoding: chunked\r\n\r\n`),
          chunk(deflateRawSync(text)),
        ]),
      ],
    ]);
    expect(rec.anomalies).toEqual([]);
    expect(s(rec.tx(0).responseBody)).toBe(text);
    expect(rec.tx(0).responseBodyDecoded).toBe('gzip');
    expect(rec.tx(0).responseBodyLength).toBe(gz.length);
    expect(s(rec.tx(1).responseBody)).toBe(text);
    expect(rec.tx(1).responseBodyDecoded).toBe('deflate');
  });

  it('bounds decompression by maxBodyInspect per transaction (bomb)', () => {
    const gz = gzipSync(Buffer.alloc(5_000_000, 0x61));
    const p = createHttpParser({ limits: { maxBodyInspect: 1000 } });
    const rec = run(
      [
        [TO_SERVER, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n'],
        [
          TO_CLIENT,
          Buffer.concat([b(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${gz.length}\r\n\r\n`), gz]),
        ],
      ],
      { parser: p },
    );
    const body = rec.tx(0).responseBody!;
    expect(body.length).toBeLessThanOrEqual(1000);
    expect(body.length).toBeGreaterThan(0);
    expect(body.every((c) => c === 0x61)).toBe(true);
  });

  it('large gzip page: the first maxBodyInspect bytes, with bounded work', () => {
    const words = Array.from({ length: 2000 }, (_, i) => `word${(i * 7919) % 1000} `).join('');
    const text = Buffer.from(words.repeat(60)); // ~1 MB, compresses ~10:1
    const gz = gzipSync(text);
    const t0 = performance.now();
    const rec = run([
      [TO_SERVER, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n'],
      [
        TO_CLIENT,
        Buffer.concat([b(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${gz.length}\r\n\r\n`), gz]),
      ],
    ]);
    const ms = performance.now() - t0;
    const body = rec.tx(0).responseBody!;
    expect(body.length).toBe(100 * 1024);
    expect(body.equals(text.subarray(0, 100 * 1024))).toBe(true);
    expect(ms).toBeLessThan(500);
  });

  it('keeps the raw body when it does not decompress', () => {
    const rec = run([
      [TO_SERVER, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n'],
      [TO_CLIENT, 'HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 9\r\n\r\nnot gzip!'],
    ]);
    expect(rec.anomalies).toEqual([HTTP_EVENTS.gzipDecompressionFailed]);
    expect(s(rec.tx(0).responseBody)).toBe('not gzip!');
  });
});

function chunk(data: Buffer): Buffer {
  return Buffer.concat([b(`${data.length.toString(16)}\r\n`), data, b('\r\n0\r\n\r\n')]);
}

describe('request line and URI', () => {
  it('absolute URI: host from the URI, normalised path', () => {
    const rec = run([
      [TO_SERVER, 'GET http://Example.COM:8080/a/./b/../c%41?x=%2F HTTP/1.1\r\nHost: example.com:8080\r\n\r\n'],
    ]);
    expect(rec.anomalies).toEqual([]);
    const t = rec.tx(0);
    expect(s(t.uri)).toBe('/a/cA?x=/');
    expect(s(t.uriRaw)).toBe('http://Example.COM:8080/a/./b/../c%41?x=%2F');
    expect(s(t.host)).toBe('example.com');
    expect(t.port).toBe(8080);
    expect(t.toEve().http_port).toBe(8080);
  });

  it('absolute URI and a different Host header is ambiguous', () => {
    const rec = run([[TO_SERVER, 'GET http://a.example/ HTTP/1.1\r\nHost: b.example\r\n\r\n']]);
    expect(rec.anomalies).toEqual([HTTP_EVENTS.hostHeaderAmbiguous]);
    expect(s(rec.tx(0).host)).toBe('a.example');
    expect(s(rec.tx(0).hostRaw)).toBe('b.example');
  });

  it.each([
    ['/a//b/./c/../d', '/a//b/d'],
    ['/%7euser/%2e%2e/x', '/x'],
    ['/p?q=a%20b&r=%zz', '/p?q=a b&r=%zz'],
    ['/a%2fb', '/a%2fb'],
  ])('normalises %j to %j', (raw, want) => {
    const rec = run([[TO_SERVER, `GET ${raw} HTTP/1.1\r\nHost: h\r\n\r\n`]]);
    expect(s(rec.tx(0).uri)).toBe(want);
    expect(s(rec.tx(0).uriRaw)).toBe(raw);
  });

  it('uses the configured path options', () => {
    const p = createHttpParser({ uri: URI_SURICATA_IDS });
    const rec = run([[TO_SERVER, 'GET /a//b%2fc\\d HTTP/1.1\r\nHost: h\r\n\r\n']], { parser: p });
    expect(s(rec.tx(0).uri)).toBe('/a/b/c/d');
  });

  it('URI with spaces (Apache style)', () => {
    const rec = run([[TO_SERVER, 'GET /a b/c HTTP/1.1\r\nHost: h\r\n\r\n']]);
    expect(s(rec.tx(0).uriRaw)).toBe('/a b/c');
    expect(s(rec.tx(0).protocol)).toBe('HTTP/1.1');
  });

  it('HTTP/0.9 request and its raw response', () => {
    const rec = run([
      [TO_SERVER, 'GET /old\r\n'],
      [TO_CLIENT, '<html>old school</html>'],
    ]);
    expect(rec.anomalies).toEqual([HTTP_EVENTS.requestLineMissingProtocol]);
    const t = rec.tx(0);
    expect(t.http09).toBe(true);
    expect(t.protocol).toBeUndefined();
    expect(s(t.uri)).toBe('/old');
    expect(s(t.responseBody)).toBe('<html>old school</html>');
    expect(rec.log.filter((x) => !x.startsWith('!'))).toEqual(['0:REQ_HDR', '0:REQ_DONE', '0:RESP_HDR', '0:RESP_DONE']);
  });

  it('HTTP/0.9 request answered with a status line', () => {
    const rec = run([
      [TO_SERVER, 'GET /\r\n'],
      [TO_CLIENT, 'HTTP/1.0 400 Bad Request\r\nContent-Length: 3\r\n\r\nbad'],
    ]);
    expect(rec.tx(0).statusCode).toBe(400);
    expect(s(rec.tx(0).responseBody)).toBe('bad');
  });

  it('CONNECT then tunnel', () => {
    const rec = run([
      [TO_SERVER, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'],
      [TO_CLIENT, 'HTTP/1.1 200 Connection established\r\n\r\n'],
      [TO_SERVER, '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03'],
      [TO_CLIENT, '\x16\x03\x03\x00\x5d\x02'],
    ]);
    expect(rec.anomalies).toEqual([]);
    const t = rec.tx(0);
    expect(s(t.uri)).toBe('example.com:443');
    expect(s(t.host)).toBe('example.com');
    expect(t.port).toBe(443);
    expect(rec.txs.length).toBe(1);
  });

  it('101 Switching Protocols stops parsing', () => {
    const rec = run([
      [TO_SERVER, 'GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'],
      [TO_CLIENT, 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05hello'],
      [TO_SERVER, '\x81\x85garbage'],
    ]);
    expect(rec.anomalies).toEqual([]);
    expect(rec.tx(0).statusCode).toBe(101);
    expect(rec.txs.length).toBe(1);
  });
});

describe('headers', () => {
  it('joins folded lines', () => {
    const rec = run([
      [TO_SERVER, 'GET / HTTP/1.1\r\nHost: h\r\nX-Long: first\r\n second\r\n\tthird\r\nUser-Agent: ua\r\n\r\n'],
    ]);
    expect(rec.anomalies).toEqual([]);
    expect(s(rec.tx(0).requestHeader('x-long'))).toBe('first second\tthird');
    expect(s(rec.tx(0).userAgent)).toBe('ua');
  });

  it('merges repeated headers with ", " (libhtp)', () => {
    const rec = run([
      [TO_SERVER, 'GET / HTTP/1.1\r\nHost: h\r\nUser-Agent: SuriTester/0.8\r\nUser-Agent: GGGG\r\n\r\n'],
    ]);
    expect(s(rec.tx(0).userAgent)).toBe('SuriTester/0.8, GGGG');
    expect(s(rec.tx(0).requestHeaders)).toBe('Host: h\r\nUser-Agent: SuriTester/0.8, GGGG\r\n');
  });

  it('response http.header excludes Set-Cookie; server, location, set-cookie fields', () => {
    const rec = run([
      [TO_SERVER, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n'],
      [
        TO_CLIENT,
        'HTTP/1.1 302 Found\r\nServer: nginx\r\nSet-Cookie: s=1\r\nLocation: /login\r\nContent-Length: 0\r\n\r\n',
      ],
    ]);
    const t = rec.tx(0);
    expect(s(t.responseHeaders)).toBe('Server: nginx\r\nLocation: /login\r\nContent-Length: 0\r\n');
    expect(s(t.server)).toBe('nginx');
    expect(s(t.location)).toBe('/login');
    expect(s(t.setCookie)).toBe('s=1');
    expect(t.toEve().redirect).toBe('/login');
  });
});

describe('malformed input', () => {
  const cases: [string, Step[], string[]][] = [
    [
      'header without colon',
      [[TO_SERVER, 'GET / HTTP/1.1\r\nHost: h\r\nNoColonHere\r\n\r\n']],
      [HTTP_EVENTS.requestFieldMissingColon],
    ],
    [
      'response header without colon',
      [
        [TO_SERVER, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n'],
        [TO_CLIENT, 'HTTP/1.1 200 OK\r\nBroken\r\nContent-Length: 0\r\n\r\n'],
      ],
      [HTTP_EVENTS.responseFieldMissingColon],
    ],
    [
      'invalid header name',
      [[TO_SERVER, 'GET / HTTP/1.1\r\nHost: h\r\nBad Name: x\r\n\r\n']],
      [HTTP_EVENTS.requestHeaderInvalid],
    ],
    ['space before colon', [[TO_SERVER, 'GET / HTTP/1.1\r\nHost : h\r\n\r\n']], [HTTP_EVENTS.requestHeaderInvalid]],
    [
      'response header invalid',
      [
        [TO_SERVER, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n'],
        [TO_CLIENT, 'HTTP/1.1 200 OK\r\nX(y): 1\r\nContent-Length: 0\r\n\r\n'],
      ],
      [HTTP_EVENTS.responseHeaderInvalid],
    ],
    [
      'invalid Content-Length in request',
      [[TO_SERVER, 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 12abc\r\n\r\n']],
      [HTTP_EVENTS.invalidContentLengthRequest],
    ],
    [
      'invalid Content-Length in response',
      [
        [TO_SERVER, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n'],
        [TO_CLIENT, 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nbody to close'],
      ],
      [HTTP_EVENTS.invalidContentLengthResponse],
    ],
    [
      'duplicate Content-Length',
      [[TO_SERVER, 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx']],
      [HTTP_EVENTS.duplicateContentLengthRequest],
    ],
    [
      'invalid Transfer-Encoding in request',
      [[TO_SERVER, 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n']],
      [HTTP_EVENTS.invalidTransferEncodingRequest],
    ],
    [
      'invalid Transfer-Encoding in response',
      [
        [TO_SERVER, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n'],
        [TO_CLIENT, 'HTTP/1.1 200 OK\r\nTransfer-Encoding: foo\r\n\r\nxyz'],
      ],
      [HTTP_EVENTS.invalidTransferEncodingResponse],
    ],
    [
      'invalid request chunk size',
      [[TO_SERVER, 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n']],
      [HTTP_EVENTS.invalidRequestChunkLen],
    ],
    [
      'invalid response chunk size',
      [
        [TO_SERVER, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n'],
        [TO_CLIENT, 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nhello'],
      ],
      [HTTP_EVENTS.invalidResponseChunkLen],
    ],
    [
      'response without request',
      [[TO_CLIENT, 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi']],
      [HTTP_EVENTS.unableToMatchResponse],
    ],
    ['missing Host in HTTP/1.1', [[TO_SERVER, 'GET / HTTP/1.1\r\n\r\n']], [HTTP_EVENTS.missingHostHeader]],
    [
      'invalid Host header',
      [[TO_SERVER, 'GET / HTTP/1.1\r\nHost: a b:xx\r\n\r\n']],
      [HTTP_EVENTS.requestHeaderHostInvalid],
    ],
    [
      'folding on the first header',
      [[TO_SERVER, 'GET / HTTP/1.1\r\n  Host: h\r\n\r\n']],
      [HTTP_EVENTS.invalidRequestFieldFolding],
    ],
    [
      'leading whitespace',
      [[TO_SERVER, ' GET / HTTP/1.1\r\nHost: h\r\n\r\n']],
      [HTTP_EVENTS.requestLineLeadingWhitespace],
    ],
    ['tab after method', [[TO_SERVER, 'GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n']], [HTTP_EVENTS.methodDelimNonCompliant]],
    ['method only', [[TO_SERVER, 'GET\r\n']], [HTTP_EVENTS.requestLineIncomplete]],
    ['invalid protocol', [[TO_SERVER, 'GET / FOO/1.0\r\nHost: h\r\n\r\n']], [HTTP_EVENTS.requestLineInvalid]],
    [
      'invalid status',
      [
        [TO_SERVER, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n'],
        [TO_CLIENT, 'HTTP/1.1 2XX Weird\r\nContent-Length: 0\r\n\r\n'],
      ],
      [HTTP_EVENTS.responseInvalidStatus],
    ],
    [
      'chunked HTTP/1.0 response',
      [
        [TO_SERVER, 'GET / HTTP/1.0\r\n\r\n'],
        [TO_CLIENT, 'HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
      ],
      [HTTP_EVENTS.responseChunkedOldProto],
    ],
  ];
  it.each(cases)('%s', (_name, steps, want) => {
    let rec: Recorder | undefined;
    expect(() => {
      rec = run(steps);
    }).not.toThrow();
    expect(rec!.anomalies).toEqual(want);
    // every transaction still completes
    for (const t of rec!.txs) expect(t.progress & TX_RESPONSE_DONE).toBe(TX_RESPONSE_DONE);
  });

  it('invalid request line: anomaly, then resynchronises on the next request', () => {
    const rec = run([
      [TO_SERVER, '\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\r\nmore junk\r\nGET /after HTTP/1.1\r\nHost: h\r\n\r\n'],
      [TO_CLIENT, 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'],
    ]);
    expect(rec.anomalies).toEqual([HTTP_EVENTS.requestLineInvalid]);
    expect(rec.txs.map((t) => [s(t.uri), t.statusCode])).toEqual([['/after', 200]]);
  });

  it('junk instead of a status line: anomaly, then resynchronises', () => {
    const rec = run([
      [TO_SERVER, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n'],
      [TO_CLIENT, 'garbage\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'],
    ]);
    expect(rec.anomalies).toEqual([HTTP_EVENTS.responseInvalidProtocol]);
    expect(rec.tx(0).statusCode).toBe(200);
  });

  it('gives up a direction after a long stretch without a message start', () => {
    const junk = Buffer.alloc(400 * 1024, 0x7a);
    for (let i = 100; i < junk.length; i += 100) junk[i] = 0x0a;
    const rec = run([[TO_SERVER, Buffer.concat([b('\x00\x01\r\n'), junk, b('GET / HTTP/1.1\r\nHost: h\r\n\r\n')])]]);
    expect(rec.anomalies).toEqual([HTTP_EVENTS.requestLineInvalid]);
    expect(rec.txs.length).toBe(0);
  });

  it('binary junk is rejected before its line ends, then the direction is given up', () => {
    const junk = Buffer.alloc(300 * 1024);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 131) & 0xff || 1;
    for (let i = 0; i < junk.length; i++) if (junk[i] === 0x0a) junk[i] = 0x0b;
    const rec = run(
      [[TO_SERVER, Buffer.concat([b('\x16\x03\x01'), junk, b('\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n')])]],
      {
        split: (n) => Array(Math.ceil(n / 1460)).fill(1460),
      },
    );
    expect(rec.anomalies).toEqual([HTTP_EVENTS.requestLineInvalid]);
    expect(rec.txs.length).toBe(0);
    // a short stretch of junk is skipped and the next request found
    const rec2 = run([[TO_SERVER, '\x16\x03\x01\x00\x05abcde\r\nGET /ok HTTP/1.1\r\nHost: h\r\n\r\n']]);
    expect(rec2.anomalies).toEqual([HTTP_EVENTS.requestLineInvalid]);
    expect(rec2.txs.map((t) => s(t.uri))).toEqual(['/ok']);
  });

  it('line too long: truncated, protocol kept, anomaly', () => {
    const p = createHttpParser({ limits: { maxLineLength: 64 } });
    const longUri = `/${'a'.repeat(200)}`;
    const rec = run(
      [
        [TO_SERVER, `GET ${longUri} HTTP/1.1\r\nHost: h\r\nX-Big: ${'b'.repeat(300)}\r\nUser-Agent: ua\r\n\r\n`],
        [TO_CLIENT, 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'],
      ],
      { parser: p, split: (n) => Array(Math.ceil(n / 13)).fill(13) },
    );
    expect(rec.anomalies).toEqual([HTTP_EVENTS.requestFieldTooLong]);
    const t = rec.tx(0);
    expect(s(t.protocol)).toBe('HTTP/1.1');
    expect(t.uriRaw!.length).toBeLessThan(70);
    expect(s(t.uriRaw)!.startsWith('/aaaa')).toBe(true);
    expect(t.requestHeader('x-big')!.length).toBeLessThanOrEqual(64);
    expect(s(t.userAgent)).toBe('ua');
    expect(t.statusCode).toBe(200);
  });

  it('too many headers: the first maxHeaders kept, anomaly', () => {
    const p = createHttpParser({ limits: { maxHeaders: 3 } });
    const hdrs = Array.from({ length: 10 }, (_, i) => `X-H${i}: ${i}\r\n`).join('');
    const rec = run(
      [
        [TO_SERVER, `GET / HTTP/1.1\r\nHost: h\r\n${hdrs}\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n`],
        [TO_CLIENT, `HTTP/1.1 200 OK\r\n${hdrs}Content-Length: 0\r\n\r\n`],
      ],
      { parser: p },
    );
    expect(rec.anomalies).toEqual([HTTP_EVENTS.requestTooManyHeaders, HTTP_EVENTS.responseTooManyHeaders]);
    expect(rec.tx(0).requestHeaderList.map((h) => s(h.name))).toEqual(['Host', 'X-H0', 'X-H1']);
    expect(s(rec.tx(1).uri)).toBe('/2');
    // the response's Content-Length was dropped with the extra headers: body until close
    expect(rec.tx(0).statusCode).toBe(200);
  });

  it('too many repeated headers', () => {
    const rep = 'X-R: 1\r\n'.repeat(70);
    const rec = run([[TO_SERVER, `GET / HTTP/1.1\r\nHost: h\r\n${rep}\r\n`]]);
    expect(rec.anomalies).toEqual([HTTP_EVENTS.requestHeaderRepetition]);
  });

  it('raises an event once per transaction', () => {
    const rec = run([
      [TO_SERVER, 'GET / HTTP/1.1\r\nHost: h\r\nA\r\nB\r\nC\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\nD\r\n\r\n'],
    ]);
    expect(rec.anomalies).toEqual([HTTP_EVENTS.requestFieldMissingColon, HTTP_EVENTS.requestFieldMissingColon]);
    expect(rec.tx(0).events).toEqual([HTTP_EVENTS.requestFieldMissingColon]);
  });
});

describe('gaps', () => {
  it('a gap inside a Content-Length body keeps the parser in sync', () => {
    const rec = run([
      [TO_SERVER, 'POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123'],
      ['gap', TO_SERVER, 3],
      [TO_SERVER, '789GET /b HTTP/1.1\r\nHost: h\r\n\r\n'],
      [TO_CLIENT, 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab'],
      ['gap', TO_CLIENT, 2],
      [TO_CLIENT, 'HTTP/1.1 204 No Content\r\n\r\n'],
    ]);
    expect(rec.anomalies).toEqual([]);
    expect(rec.txs.map((t) => [s(t.uri), t.statusCode, t.truncated])).toEqual([
      ['/a', 200, true],
      ['/b', 204, false],
    ]);
    const t = rec.tx(0);
    expect(s(t.requestBody)).toBe('0123');
    expect(t.requestBodyLength).toBe(7);
    expect(s(t.responseBody)).toBe('ab');
  });

  it('a gap in a head gives up that message and resynchronises on the next request line', () => {
    const rec = run([
      [TO_SERVER, 'GET /lost HTTP/1.1\r\nHost: h\r\nUser-Ag'],
      ['gap', TO_SERVER, 100],
      [TO_SERVER, 'ent-continued: zzz\r\n\r\nbody?\r\nPOST /found HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nx'],
    ]);
    expect(rec.anomalies).toEqual([]);
    expect(rec.txs.map((t) => s(t.uri))).toEqual(['/found']);
    expect(s(rec.tx(0).requestBody)).toBe('x');
  });

  it('a gap past the end of a body resynchronises', () => {
    const rec = run([
      [TO_SERVER, 'GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n'],
      [TO_CLIENT, 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01'],
      ['gap', TO_CLIENT, 20],
      [TO_CLIENT, 'xx\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n'],
    ]);
    expect(rec.txs.map((t) => [t.statusCode, t.truncated])).toEqual([
      [200, true],
      [201, false],
    ]);
  });

  it('a gap in a chunked body', () => {
    const rec = run([
      [TO_SERVER, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n'],
      [TO_CLIENT, 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n01'],
      ['gap', TO_CLIENT, 4],
      [TO_CLIENT, '6789\r\n0\r\n\r\n'],
    ]);
    expect(rec.anomalies).toEqual([]);
    expect(rec.tx(0).responseBodyLength).toBe(6);
    expect(rec.tx(0).truncated).toBe(true);
    expect(rec.log).toEqual(['0:REQ_HDR', '0:REQ_DONE', '0:RESP_HDR', '0:RESP_DONE']);
  });
});

describe('flow end and limits', () => {
  it('end() completes transactions still open', () => {
    const rec = run([
      [
        TO_SERVER,
        'GET /1 HTTP/1.1\r\nHost: h\r\n\r\nPOST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\npartial',
      ],
      [TO_CLIENT, 'HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort'],
    ]);
    expect(rec.log).toEqual([
      '0:REQ_HDR',
      '0:REQ_DONE',
      '1:REQ_HDR',
      '0:RESP_HDR',
      '1:REQ_DONE',
      '0:RESP_DONE',
      '1:RESP_DONE',
    ]);
    expect(rec.txs.map((t) => t.truncated)).toEqual([true, true]);
    expect(s(rec.tx(1).requestBody)).toBe('partial');
  });

  it('maxOpenTxs drops the oldest and keeps pairing right', () => {
    const p = createHttpParser({ limits: { maxOpenTxs: 2 } });
    const reqs = [1, 2, 3, 4].map((i) => `GET /${i} HTTP/1.1\r\nHost: h\r\n\r\n`).join('');
    const resps = [1, 2, 3, 4].map((i) => `HTTP/1.1 20${i} X\r\nContent-Length: 0\r\n\r\n`).join('');
    const rec = run(
      [
        [TO_SERVER, reqs],
        [TO_CLIENT, resps],
      ],
      { parser: p },
    );
    expect(rec.txs.map((t) => [s(t.uri), t.statusCode, t.truncated])).toEqual([
      ['/1', -1, true],
      ['/2', -1, true],
      ['/3', 203, false],
      ['/4', 204, false],
    ]);
  });
});

describe('EVE', () => {
  const schema = JSON.parse(readFileSync(join(SHARED, 'reference/eve.schema.json'), 'utf8')) as {
    properties: { http: object };
  };
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addKeyword('suricata');
  const validate = ajv.compile(schema.properties.http);

  it('toEve() validates against the schema, with and without headers', () => {
    const convs: Step[][] = [
      SIMPLE,
      CHUNKED,
      PIPELINED,
      [
        [
          TO_SERVER,
          'GET http://x.example:81/p HTTP/1.1\r\nHost: x.example:81\r\nReferer: http://r/\r\nX-Forwarded-For: 10.0.0.1\r\n\r\n',
        ],
        [TO_CLIENT, 'HTTP/1.1 301 Moved\r\nLocation: https://x/\r\nContent-Length: 0\r\n\r\n'],
      ],
      [[TO_CLIENT, 'HTTP/1.1 2XX ?\r\nContent-Length: 1\r\n\r\n\xff']],
      [
        [TO_SERVER, 'GET /f HTTP/1.1\r\nHost: h\r\nRange: bytes=0-1\r\n\r\n'],
        [TO_CLIENT, 'HTTP/1.1 206 Partial\r\nContent-Range: bytes 0-1/1000\r\nContent-Length: 2\r\n\r\nab'],
      ],
      [[TO_SERVER, 'GET /\xff\x00 HTTP/1.1\r\nHost: h\r\nX: \x01\r\n\r\n']],
    ];
    for (const conv of convs) {
      for (const t of run(conv).txs) {
        for (const opts of [undefined, { headers: true }]) {
          const eve = t.toEve(opts);
          expect(validate(eve), JSON.stringify(validate.errors)).toBe(true);
        }
      }
    }
    const t = run(convs[3]!).tx(0);
    expect(t.toEve({ headers: true })).toEqual({
      hostname: 'x.example',
      http_port: 81,
      url: 'http://x.example:81/p',
      xff: '10.0.0.1',
      http_refer: 'http://r/',
      http_method: 'GET',
      protocol: 'HTTP/1.1',
      status: 301,
      redirect: 'https://x/',
      length: 0,
      request_headers: [
        { name: 'Host', value: 'x.example:81' },
        { name: 'Referer', value: 'http://r/' },
        { name: 'X-Forwarded-For', value: '10.0.0.1' },
      ],
      response_headers: [
        { name: 'Location', value: 'https://x/' },
        { name: 'Content-Length', value: '0' },
      ],
    });
    expect(run(convs[4]!).tx(0).toEve().status_string).toBe('2XX');
    expect(run(convs[5]!).tx(0).toEve().content_range).toEqual({ raw: 'bytes 0-1/1000', start: 0, end: 1, size: 1000 });
    // a request without a response: length 0, no status
    const lone = run([[TO_SERVER, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n']])
      .tx(0)
      .toEve();
    expect(lone.length).toBe(0);
    expect(lone.status).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// fuzz

describe('fuzz', () => {
  const samples: Step[][] = [
    SIMPLE,
    CHUNKED,
    PIPELINED,
    [
      [TO_SERVER, 'POST /u HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n'],
      [TO_CLIENT, 'HTTP/1.1 100 Continue\r\n\r\n'],
      [TO_SERVER, 'data'],
      [TO_CLIENT, `HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n`],
      [TO_CLIENT, chunk(gzipSync('compressed body '.repeat(30)))],
    ],
    [
      [
        TO_SERVER,
        'GET http://a.example/x/../y?q=%41 HTTP/1.1\r\nHost: a.example\r\nX-F: a\r\n b\r\n\r\nHEAD / HTTP/1.0\r\n\r\n',
      ],
      [TO_CLIENT, 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcHTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\n'],
    ],
    [
      [TO_SERVER, 'GET /\r\n'],
      [TO_CLIENT, 'raw 0.9 body'],
    ],
  ];
  const parsers = [
    httpParser,
    createHttpParser({ limits: { maxLineLength: 20, maxHeaders: 2, maxBodyInspect: 8, maxOpenTxs: 1 } }),
    createHttpParser({ uri: URI_SURICATA_IDS, limits: { maxBodyInspect: 50 } }),
  ];

  it('random splits, corruption and gaps never throw (20k runs)', () => {
    const r = rng(0xc0ffee);
    const pick = (n: number) => Math.floor(r() * n);
    const interesting = b('\r\n:; \t%0Hx/.?#');
    for (let iter = 0; iter < 20_000; iter++) {
      const conv = samples[pick(samples.length)]!;
      const steps: Step[] = [];
      for (const st of conv) {
        if (st[0] === 'gap') continue;
        const data = Buffer.from(b(st[1]));
        const edits = pick(4);
        for (let e = 0; e < edits && data.length > 0; e++) {
          const i = pick(data.length);
          data[i] = r() < 0.5 ? pick(256) : interesting[pick(interesting.length)]!;
        }
        let cut = data;
        if (r() < 0.1) cut = data.subarray(0, pick(data.length + 1));
        steps.push([st[0], cut]);
        if (r() < 0.1) steps.push(['gap', st[0], 1 + pick(40)]);
      }
      if (r() < 0.2) steps.reverse();
      const parser = parsers[pick(parsers.length)]!;
      const split = (n: number) => {
        const sizes: number[] = [];
        let left = n;
        while (left > 0) {
          const k = Math.min(left, 1 + pick(r() < 0.5 ? 4 : 64));
          sizes.push(k);
          left -= k;
        }
        return sizes;
      };
      let rec: Recorder | undefined;
      try {
        rec = run(steps, { parser, split });
      } catch (e) {
        throw new Error(`iteration ${iter}: ${(e as Error).stack}\n${JSON.stringify(steps.map((x) => x.map(String)))}`, {
          cause: e,
        });
      }
      // after end() every reported transaction is complete and EVE renders
      for (const t of rec.txs) {
        expect(t.progress & TX_RESPONSE_DONE).toBe(TX_RESPONSE_DONE);
        t.toEve({ headers: true });
      }
    }
  });

  it('corrupted input parses the same whatever the chunking (3k runs)', () => {
    const r = rng(0x5eed);
    const pick = (n: number) => Math.floor(r() * n);
    const interesting = b('\r\n:; \t%0Hx/.?#');
    for (let iter = 0; iter < 3000; iter++) {
      const conv = samples[pick(samples.length)]!;
      const steps: Step[] = conv.map((st) => {
        const data = Buffer.from(b(st[1] as string | Buffer));
        for (let e = pick(4); e > 0; e--) {
          data[pick(data.length)] = r() < 0.5 ? pick(256) : interesting[pick(interesting.length)]!;
        }
        return [st[0] as Direction, data] as const;
      });
      const parser = parsers[pick(parsers.length)]!;
      const want = digest(run(steps, { parser }));
      const cuts = 1 + pick(5);
      const got = digest(
        run(steps, { parser, split: (n) => (r() < 0.3 ? Array(n).fill(1) : Array(Math.ceil(n / cuts)).fill(cuts)) }),
      );
      expect(got, `iteration ${iter}: ${JSON.stringify(steps.map((x) => x.map(String)))}`).toEqual(want);
    }
  });
});
