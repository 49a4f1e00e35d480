// The HTTP parser where it follows libhtp (Suricata 8's rust/htp) rather than the RFCs:
// content codings, chunked framing, bodies where none is allowed, heads cut by the close.
// Every conversation is also fed byte by byte: the result may not depend on the chunking.

import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { contentCodings, createHttpParser, gzipHeaderEnd, HTTP_EVENTS, hasChunked, type HttpTx } from '../../src/app/http.js';
import {
  type AppParser,
  type AppSink,
  type AppTx,
  type Direction,
  TO_CLIENT,
  TO_SERVER,
  TX_RESPONSE_DONE,
} from '../../src/app/types.js';

class Sink implements AppSink {
  readonly txs: HttpTx[] = [];
  readonly events: string[] = [];
  txProgress(_flow: unknown, tx: AppTx): void {
    if (!this.txs.includes(tx as HttpTx)) this.txs.push(tx as HttpTx);
  }
  anomaly(_flow: unknown, _proto: string, event: string): void {
    this.events.push(event);
  }
}

type Step = readonly [Direction, string | Buffer];
const b = (x: string | Buffer): Buffer => (typeof x === 'string' ? Buffer.from(x, 'latin1') : x);
const str = (v: Buffer | undefined): string | undefined => v?.toString('latin1');

const parser = createHttpParser({});

function feed(steps: readonly Step[], byByte: boolean, p: AppParser): Sink {
  const sink = new Sink();
  const st = p.create(sink, {});
  for (const [dir, data] of steps) {
    const d = b(data);
    if (!byByte) st.parse(dir, d, 0, d.length, 0, 0);
    else for (let i = 0; i < d.length; i++) st.parse(dir, d, i, i + 1, 0, 0);
  }
  st.end();
  return sink;
}

function view(s: Sink): unknown {
  return {
    events: s.events,
    txs: s.txs.map((t) => ({
      uri: str(t.uri),
      host: str(t.host),
      status: t.statusCode,
      reqHeaders: str(t.requestHeaders),
      respHeaders: str(t.responseHeaders),
      reqBody: str(t.requestBody),
      respBody: str(t.responseBody),
      decoded: t.responseBodyDecoded,
      done: (t.progress & TX_RESPONSE_DONE) !== 0,
    })),
  };
}

/** Run whole and byte by byte; both must agree. */
function run(steps: readonly Step[], p: AppParser = parser): Sink {
  const whole = feed(steps, false, p);
  expect(view(feed(steps, true, p))).toEqual(view(whole));
  return whole;
}

const GET: Step = [TO_SERVER, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n'];
const TEXT = 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE '.repeat(3);

function response(head: string, body: Buffer | string): Step {
  return [TO_CLIENT, Buffer.concat([b(head), b(body)])];
}

describe('Content-Encoding', () => {
  const cc = (v: string, limit = 3): number => contentCodings(b(v), 0, v.length, limit);
  const chain = (...encs: number[]): number => encs.reduce((a, e, i) => a | (e << (3 * i)), 0);

  it('reads one coding, or a list, as libhtp does', () => {
    expect(cc('gzip')).toBe(chain(1));
    expect(cc(' X-GZIP ')).toBe(chain(1));
    expect(cc('gz\0ip')).toBe(chain(1)); // NUL bytes ignored
    expect(cc('deflate')).toBe(chain(2));
    expect(cc('x-deflate')).toBe(chain(2));
    expect(cc('br')).toBe(chain(3));
    expect(cc('lzma')).toBe(chain(4));
    expect(cc('identity')).toBe(0);
    expect(cc('none')).toBe(0);
    expect(cc('')).toBe(0);
    expect(cc('gzip, deflate')).toBe(chain(1, 2));
    expect(cc('identity, deflate')).toBe(chain(2));
    expect(cc('gzip,deflate, gzip')).toBe(chain(1, 2, 1));
    expect(cc('foo-gzip-bar')).toBe(chain(1)); // contains "gzip"
    expect(cc('LZMA, lzma')).toBe(chain(4)); // the list is case-sensitive for lzma
  });

  it('stops at the layer limit (identity counts as a layer)', () => {
    expect(cc('gzip gzip gzip gzip')).toBe(chain(1, 1, 1));
    expect(cc('identity, gzip, gzip, deflate', 3)).toBe(chain(1, 1));
    expect(cc('gzip, deflate', 1)).toBe(chain(1));
  });

  it('undoes the codings from the last listed to the first', () => {
    const body = deflateRawSync(gzipSync(TEXT));
    const s = run([GET, response(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip, deflate\r\nContent-Length: ${body.length}\r\n\r\n`, body)]);
    expect(str(s.txs[0]!.responseBody)).toBe(TEXT);
    expect(s.txs[0]!.responseBodyDecoded).toBe('gzip, deflate');
    expect(s.events).toEqual([]);
  });

  it('merges repeated Content-Encoding headers: identity then deflate', () => {
    const body = deflateRawSync(TEXT);
    const s = run([
      GET,
      response(
        `HTTP/1.1 200 OK\r\nContent-Encoding: identity\r\nContent-Encoding: deflate\r\nContent-Length: ${body.length}\r\n\r\n`,
        body,
      ),
    ]);
    expect(str(s.txs[0]!.responseBody)).toBe(TEXT);
  });

  it('three layers (the default limit), and a fourth left as it is', () => {
    const three = gzipSync(deflateRawSync(gzipSync(TEXT)));
    let s = run([GET, response(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip,deflate, gzip\r\n\r\n`, three)]);
    expect(str(s.txs[0]!.responseBody)).toBe(TEXT);
    const inner = gzipSync(TEXT);
    const four = gzipSync(gzipSync(gzipSync(inner)));
    s = run([GET, response(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip, gzip, gzip, gzip\r\n\r\n`, four)]);
    expect(s.txs[0]!.responseBody!.equals(inner)).toBe(true);
    const one = createHttpParser({ decompressLayers: 1 });
    s = run([GET, response(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip, gzip\r\n\r\n`, gzipSync(gzipSync(TEXT)))], one);
    expect(s.txs[0]!.responseBody!.equals(gzipSync(TEXT))).toBe(true);
  });

  it('gzip: header fields skipped, header CRC, trailer CRC and size not checked', () => {
    const gz = gzipSync(TEXT);
    const deflated = gz.subarray(10, gz.length - 8);
    const header = (flags: number, extra: Buffer): Buffer =>
      Buffer.concat([Buffer.from([0x1f, 0x8b, 8, flags, 0, 0, 0, 0, 0, 3]), extra]);
    const variants = [
      header(2, Buffer.from([0, 0])), // FHCRC, wrong CRC
      header(4, Buffer.from([3, 0, 1, 2, 3])), // FEXTRA
      header(8 | 16, b('name\0comment\0')), // FNAME, FCOMMENT
      header(0, Buffer.alloc(0)),
    ];
    for (const h of variants) {
      const trailer = Buffer.from([0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4]); // bad CRC32 and ISIZE
      const body = Buffer.concat([h, deflated, trailer, b('junk after the member')]);
      const s = run([GET, response(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${body.length}\r\n\r\n`, body)]);
      expect(str(s.txs[0]!.responseBody)).toBe(TEXT);
      expect(s.events).toEqual([]);
    }
  });

  it('gzipHeaderEnd: cut short, not gzip, each optional field', () => {
    expect(gzipHeaderEnd(Buffer.from([]))).toBe(-2);
    expect(gzipHeaderEnd(Buffer.from([0x1f]))).toBe(-2);
    expect(gzipHeaderEnd(Buffer.from([0x1f, 0x8b, 8, 0]))).toBe(-2);
    expect(gzipHeaderEnd(Buffer.from([0x1f, 0x8c, 8]))).toBe(-1);
    expect(gzipHeaderEnd(Buffer.from([0x78, 0x9c]))).toBe(-1);
    expect(gzipHeaderEnd(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]))).toBe(10);
    expect(gzipHeaderEnd(Buffer.from([0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 3, 0xff, 0xff]))).toBe(-2);
    expect(gzipHeaderEnd(Buffer.from([0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 0, 3, 0x41]))).toBe(-2);
    expect(gzipHeaderEnd(Buffer.from([0x1f, 0x8b, 8, 2, 0, 0, 0, 0, 0, 3, 0]))).toBe(-2);
    expect(gzipHeaderEnd(Buffer.from([0x1f, 0x8b, 8, 2, 0, 0, 0, 0, 0, 3, 0, 0]))).toBe(12);
  });

  it('"deflate" with a zlib wrapper, "gzip" that is deflate: the next decoder is tried', () => {
    for (const [ce, body] of [
      ['deflate', deflateSync(TEXT)],
      ['gzip', deflateRawSync(TEXT)],
      ['deflate', gzipSync(TEXT)],
    ] as const) {
      const s = run([GET, response(`HTTP/1.1 200 OK\r\nContent-Encoding: ${ce}\r\nContent-Length: ${body.length}\r\n\r\n`, body)]);
      expect(str(s.txs[0]!.responseBody), ce).toBe(TEXT);
    }
  });

  it('data that decodes with none of them goes through as it is, with an event', () => {
    const body = '{"sdk_version":11026,"app_package":"com.x"}';
    const s = run([
      [TO_SERVER, `POST / HTTP/1.1\r\nHost: h\r\nContent-Encoding: gzip\r\nContent-Length: ${body.length}\r\n\r\n${body}`],
    ]);
    expect(str(s.txs[0]!.requestBody)).toBe(body);
    expect(s.events).toEqual([HTTP_EVENTS.gzipDecompressionFailed]);
  });

  it('gzip that goes bad part way: what decoded before the bad part', () => {
    let x = 1;
    const long = Buffer.alloc(3000);
    for (let i = 0; i < long.length; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      long[i] = 65 + ((x >>> 16) % 26);
    }
    const gz = gzipSync(long);
    const bad = Buffer.from(gz.subarray(0, gz.length - 8));
    for (let i = bad.length - 20; i < bad.length; i++) bad[i] = 0xff;
    const s = run([GET, response(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${bad.length}\r\n\r\n`, bad)]);
    const got = s.txs[0]!.responseBody!;
    // (bytes just before the bad part may decode to something: compare the good part)
    let same = 0;
    while (same < got.length && got[same] === long[same]) same++;
    expect(same).toBeGreaterThan(long.length / 2);
    expect(s.events).toEqual([]);
  });

  it('a gzip body cut inside its header decodes to nothing', () => {
    const s = run([GET, response('HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\n', Buffer.from([0x1f, 0x8b, 8, 0]))]);
    expect(s.txs[0]!.responseBody!.length).toBe(0);
  });
});

describe('Transfer-Encoding and chunks', () => {
  it('chunked when the value contains "chunked" (case, NUL bytes and other words aside)', () => {
    const yes = ['chunked', 'CHUNKED', '\0chunked', 'chun\0ked', 'gzip, chunked', 'xchunkedx'];
    for (const v of yes) expect(hasChunked(b(v), 0, v.length), JSON.stringify(v)).toBe(true);
    for (const v of ['', 'chunk', 'gzip', 'c hunked']) expect(hasChunked(b(v), 0, v.length), v).toBe(false);
    const s = run([
      GET,
      response('HTTP/1.1 200 OK\r\nTransfer-Encoding:\0chunked\r\n\r\n', '4\r\nabcd\r\n0\r\n\r\n'),
    ]);
    expect(str(s.txs[0]!.responseBody)).toBe('abcd');
    expect(s.events).toEqual([]);
  });

  it('an invalid chunk size turns the rest of the response into body, up to the close', () => {
    const s = run([
      GET,
      response('HTTP/1.1 200 OK\r\nTransfer-Encoding : chunked\r\n\r\n', `X5O!P plain body\r\nmore\r\n`),
    ]);
    expect(str(s.txs[0]!.responseBody)).toBe('X5O!P plain body\r\nmore\r\n');
    expect(s.events).toContain(HTTP_EVENTS.invalidResponseChunkLen);
    expect(s.txs[0]!.progress & TX_RESPONSE_DONE).toBe(TX_RESPONSE_DONE);
  });

  it('an invalid chunk size after good chunks: body so far, then the rest', () => {
    const s = run([GET, response('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', '3\r\nabc\r\n\r\n zz\r\nxyz')]);
    expect(str(s.txs[0]!.responseBody)).toBe('abczz\r\nxyz');
  });

  it('a size line: junk after the digits ignored, control-only lines skipped, sizes over 2^31 ignored', () => {
    const s = run([
      GET,
      response(
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n',
        '\r\n \t\r\n3xyz;ext\r\nabc\r\n 2 \r\nde\r\nFFFFFFFFF\r\n1\r\nf\r\n0\r\n\r\n',
      ),
    ]);
    expect(str(s.txs[0]!.responseBody)).toBe('abcdef');
    expect(s.events).toEqual([]);
  });

  it('bytes between a chunk and its CRLF are skipped up to the LF', () => {
    const s = run([
      GET,
      response('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', '3\r\nabcdef\r\n2\r\ngh\r\n0\r\n\r\n'),
      response('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n', 'z'),
    ]);
    expect(str(s.txs[0]!.responseBody)).toBe('abcgh');
  });

  it('a request with an invalid chunk size: event, the message ends, the next one is found', () => {
    const s = run([
      [TO_SERVER, 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n'],
    ]);
    expect(s.txs.map((t) => str(t.uri))).toEqual(['/', '/next']);
    expect(s.events).toContain(HTTP_EVENTS.invalidRequestChunkLen);
  });
});

describe('bodies where none is expected', () => {
  it('204 and 304 with a Content-Length or chunking have that body (libhtp)', () => {
    const s = run([
      [TO_SERVER, 'GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\nGET /c HTTP/1.1\r\nHost: h\r\n\r\n'],
      [
        TO_CLIENT,
        'HTTP/1.1 304 ok\r\nContent-Length: 4\r\n\r\nabcd' +
          'HTTP/1.1 204 ok\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nxy\r\n0\r\n\r\n' +
          'HTTP/1.1 304 ok\r\n\r\n',
      ],
    ]);
    expect(s.txs.map((t) => [t.statusCode, str(t.responseBody)])).toEqual([
      [304, 'abcd'],
      [204, 'xy'],
      [304, undefined],
    ]);
  });

  it('100 with a Content-Length above 0 is the final response; other 1xx complete the transaction', () => {
    let s = run([
      [TO_SERVER, 'GET /a HTTP/1.1\r\nHost: h\r\n\r\n'],
      [TO_CLIENT, 'HTTP/1.1 100 Continue\r\nContent-Length: 2\r\n\r\nhi'],
    ]);
    expect(s.txs.map((t) => [t.statusCode, str(t.responseBody)])).toEqual([[100, 'hi']]);
    s = run([
      [TO_SERVER, 'GET /a HTTP/1.1\r\nHost: h\r\n\r\n'],
      [TO_CLIENT, 'HTTP/1.1 100 Continue\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'],
    ]);
    expect(s.txs.map((t) => [t.statusCode, str(t.responseBody)])).toEqual([[200, 'ok']]);
    s = run([
      [TO_SERVER, 'GET /a HTTP/1.1\r\nHost: h\r\n\r\n'],
      [TO_CLIENT, 'HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'],
    ]);
    expect(s.txs.map((t) => [t.statusCode, t.orphan])).toEqual([
      [103, false],
      [200, true],
    ]);
  });

  it('a Transfer-Encoding that is not chunked does not stop a Content-Length', () => {
    const s = run([GET, response('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 3\r\n\r\n', 'abcHTTP/1.1 200 OK\r\n\r\n')]);
    expect(str(s.txs[0]!.responseBody)).toBe('abc');
    expect(s.events).toContain(HTTP_EVENTS.invalidTransferEncodingResponse);
  });
});

describe('heads', () => {
  it('a line of one space and a bare LF after a header ends the head (an empty fold)', () => {
    const s = run([
      GET,
      response('HTTP/1.1 200 ok\r\nServer: x\r\nContent-length: 5\n \n', 'hellotail'),
    ]);
    expect(s.txs[0]!.statusCode).toBe(200);
    expect(str(s.txs[0]!.responseBody)).toBe('hello');
    expect(str(s.txs[0]!.responseHeaders)).toBe('Server: x\r\nContent-length: 5\r\n');
  });

  it('one space with CRLF, or more than one byte, is still a fold', () => {
    const s = run([
      GET,
      response('HTTP/1.1 200 ok\r\nX-A: a\r\n \r\nX-B: b\n  \nContent-Length: 2\r\n\r\n', 'hi'),
    ]);
    expect(str(s.txs[0]!.responseHeaders)).toBe('X-A: a\r\nX-B: b\r\nContent-Length: 2\r\n');
    expect(str(s.txs[0]!.responseBody)).toBe('hi');
  });

  it('the close ends a head: the header lines so far, the last one without its LF', () => {
    let s = run([
      [TO_SERVER, 'GET / HTTP/1.1\r\nHost: 100.64.0.200\r\n\r\n'],
      [TO_CLIENT, 'HTTP/1.0 200 OK\nServer:ng1nx\r\n'],
    ]);
    expect(s.txs[0]!.statusCode).toBe(200);
    expect(str(s.txs[0]!.responseHeaders)).toBe('Server: ng1nx\r\n');
    expect(s.txs[0]!.progress & TX_RESPONSE_DONE).toBe(TX_RESPONSE_DONE);
    s = run([
      [TO_SERVER, 'GET / HTTP/1.1\r\nHost: h\r\nUser-Agent: cut'],
      [TO_CLIENT, 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\nServer: s\r'],
    ]);
    expect(str(s.txs[0]!.userAgent)).toBe('cut');
    expect(str(s.txs[0]!.responseHeaders)).toBe('Content-Length: 10\r\nServer: s\r\n');
    expect(s.txs[0]!.truncated).toBe(true); // the 10 body bytes never came
  });

});

describe('CONNECT', () => {
  it('a target that is a path has no host; "//host:port" has one', () => {
    let s = run([
      [TO_SERVER, 'CONNECT / HTTP/1.1\r\nMp-Country: US\r\n\r\n'],
      [TO_CLIENT, 'HTTP/1.1 200 OK\r\n\r\n'],
    ]);
    expect(s.txs[0]!.host).toBeUndefined();
    expect(str(s.txs[0]!.uri)).toBe('/');
    s = run([[TO_SERVER, 'CONNECT //Example.com:443 HTTP/1.1\r\n\r\n']]);
    expect(str(s.txs[0]!.host)).toBe('example.com');
    expect(s.txs[0]!.port).toBe(443);
  });
});

describe('responses without a status line', () => {
  const resp = (d: string): Step => [TO_CLIENT, d];

  it('a line that does not start with "http" is body (libhtp, as browsers)', () => {
    const s = run([GET, resp('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR\r\nsecond line\r\n')]);
    expect(s.txs.length).toBe(1);
    expect(str(s.txs[0]!.responseBody)).toBe('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR\r\nsecond line\r\n');
    expect(s.txs[0]!.statusCode).toBe(-1);
    expect(s.txs[0]!.truncated).toBe(false);
    expect(s.events).toEqual([HTTP_EVENTS.responseInvalidProtocol]);
  });

  it('then a status line: the same transaction, its body after the lines before it', () => {
    const s = run([GET, resp('junk line\r\nmore junk\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi')]);
    expect(s.txs.map((t) => [t.statusCode, str(t.responseBody)])).toEqual([[200, 'junk line\r\nhi']]);
  });

  it('a line before one starting with "H", or of at most 2 bytes, is skipped', () => {
    const s = run([GET, resp('ab\r\nxyz junk\r\nHello\r\nzz body\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi')]);
    // "ab": short; "xyz junk" and "zz body": the next line starts with H; "Hello": body
    expect(s.txs.map((t) => [t.statusCode, str(t.responseBody)])).toEqual([[200, 'Hello\r\nhi']]);
  });

  it('"http" in any case after white space and NUL bytes starts a status line', () => {
    const s = run([GET, resp(' \0hTtP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi')]);
    expect(s.txs.map((t) => [t.statusCode, str(t.responseBody)])).toEqual([[200, 'hi']]);
    expect(s.events).toEqual([]);
  });

  it('lines cut by the close: body, or a status line', () => {
    let s = run([GET, resp('abc')]);
    expect(str(s.txs[0]!.responseBody)).toBe('abc');
    s = run([GET, resp('HTTP/1.0 404 Not Found')]);
    expect(s.txs[0]!.statusCode).toBe(404);
    expect(s.txs[0]!.progress & TX_RESPONSE_DONE).toBe(TX_RESPONSE_DONE);
  });

  it('without a request: an orphan transaction', () => {
    const s = run([resp('no status line here\r\n')]);
    expect(s.txs.map((t) => [t.orphan, str(t.responseBody)])).toEqual([[true, 'no status line here\r\n']]);
    expect(s.events).toContain(HTTP_EVENTS.unableToMatchResponse);
  });
});

describe('response line ends', () => {
  const body = '4\r\nabcd\r\n0\r\n\r\n';
  it('a CR alone ends a line of a response head (status line included)', () => {
    const s = run([
      GET,
      [TO_CLIENT, `HTTP/1.1 200 ok\rContent-Type: x\rTransfer-Encoding: chunked\rX: foo\r\n\r\n${body}`],
    ]);
    expect(s.txs[0]!.statusCode).toBe(200);
    expect(str(s.txs[0]!.responseHeaders)).toBe('Content-Type: x\r\nTransfer-Encoding: chunked\r\nX: foo\r\n');
    expect(str(s.txs[0]!.responseBody)).toBe('abcd');
  });

  it('"\\n\\r" is one line end', () => {
    const s = run([
      GET,
      [TO_CLIENT, `HTTP/1.1 200 ok\n\rContent-Type: x\n\rTransfer-Encoding: chunked\n\rX: foo\r\n\r\n${body}`],
    ]);
    expect(str(s.txs[0]!.responseHeaders)).toBe('Content-Type: x\r\nTransfer-Encoding: chunked\r\nX: foo\r\n');
    expect(str(s.txs[0]!.responseBody)).toBe('abcd');
  });

  it('"\\n\\r\\r\\n" and "\\r\\r" end the head', () => {
    let s = run([GET, [TO_CLIENT, `HTTP/1.1 200 ok\r\nTransfer-Encoding: chunked\r\nX: foo\n\r\r\n${body}`]]);
    expect(str(s.txs[0]!.responseBody)).toBe('abcd');
    s = run([GET, [TO_CLIENT, 'HTTP/1.1 200 ok\r\nContent-Length: 4\r\rabcd']]);
    expect(str(s.txs[0]!.responseBody)).toBe('abcd');
  });

  it('a CR then a space folds; requests keep a CR inside the line', () => {
    let s = run([GET, [TO_CLIENT, 'HTTP/1.1 200 ok\r\nX-A: a\r b\r\nContent-Length: 0\r\n\r\n']]);
    expect(str(s.txs[0]!.responseHeaders)).toBe('X-A: a b\r\nContent-Length: 0\r\n');
    s = run([[TO_SERVER, 'GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n']]);
    expect(str(s.txs[0]!.requestHeaders)).toBe('Host: h\rX: y\r\n');
  });
});

describe('fuzz', () => {
  // evader-like conversations, corrupted at random: never a throw, and the same result
  // whatever the chunking (each split point and byte by byte)
  const gz = gzipSync(TEXT);
  const samples: Step[][] = [
    [GET, response('HTTP/1.1 200 ok\rContent-Type: x\rTransfer-Encoding: chunked\r\n\r\n', '4\r\nabcd\r\n0\r\n\r\n')],
    [GET, response('HTTP/1.1 200 ok\n\rTransfer-Encoding :chunked\n \n', '4\nabcd\n0\n\n')],
    [GET, response(`HTTP/1.1 304 ok\r\nContent-Encoding: gzip, identity\r\nContent-Length: ${gz.length}\r\n\r\n`, gz)],
    [GET, response('junk\r\nHTTP/1.1 200 ok\r\nTransfer-Encoding: \0chunked\r\n\r\n', 'zz\r\nbody to close')],
    [GET, response('HTTP/1.0 200 OK\nServer:x\r\n', '')],
  ];
  const parsers = [parser, createHttpParser({ limits: { maxLineLength: 16, maxHeaders: 2, maxBodyInspect: 8 } })];
  let seed = 0x1badb002;
  const r = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const pick = (n: number): number => Math.floor(r() * n);

  it('corrupted evader-like input parses the same whatever the chunking (2k runs)', () => {
    const interesting = b('\r\n:; \t\0Hh0');
    for (let iter = 0; iter < 2000; iter++) {
      const steps: Step[] = samples[pick(samples.length)]!.map(([dir, data]) => {
        const d = Buffer.from(b(data));
        for (let e = pick(4); e > 0 && d.length > 0; e--) {
          d[pick(d.length)] = r() < 0.3 ? pick(256) : interesting[pick(interesting.length)]!;
        }
        return [dir, d] as const;
      });
      const p = parsers[pick(parsers.length)]!;
      const want = view(feed(steps, false, p));
      expect(view(feed(steps, true, p)), `iteration ${iter}`).toEqual(want);
    }
  });
});

describe('probe', () => {
  const pr = (x: string): number => parser.probe(b(x), 0, x.length, TO_SERVER);
  it('a whole request line with an unknown method is HTTP (libhtp parses it)', () => {
    expect(pr('NOTMETHOD /WANIPConnection HTTP/1.1\r\nHost: h\r\n')).toBe(1);
    expect(pr('notify * http/1.0\n')).toBe(1);
    // not whole, not a request line, or another protocol's line of words: not here
    expect(pr('NOTMETHOD /WANIPConnection HTTP/1.1')).toBe(0);
    expect(pr('GETX /')).toBe(0);
    expect(pr('DESCRIBE rtsp://h/x RTSP/1.0\r\n')).toBe(0);
    expect(pr('EHLO mail.example.com\r\n')).toBe(0);
    expect(pr('SSH-2.0-OpenSSH_9.6 HTTP/1.1\r\n')).toBe(0); // no target
    expect(pr('A\0B / HTTP/1.1\r\n')).toBe(0);
    expect(pr(`X /${'a'.repeat(2000)} HTTP/1.1\r\n`)).toBe(0);
    expect(pr(' HTTP/1.1\r\n')).toBe(0);
  });

  it('such a request makes a transaction', () => {
    const s = run([
      [TO_SERVER, 'NOTMETHOD /WANIPConnection HTTP/1.1\r\nHost: 192.168.0.1\r\n\r\n'],
      [TO_CLIENT, 'HTTP/1.0 200 OK\r\nServer: UPnP/1.0\r\n\r\n'],
    ]);
    expect(s.txs.map((t) => [str(t.method), str(t.uri), t.statusCode])).toEqual([['NOTMETHOD', '/WANIPConnection', 200]]);
  });
});
