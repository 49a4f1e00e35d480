import { describe, expect, it } from 'vitest';
import {
  normalizeUri,
  parseHostPort,
  removeDotSegments,
  splitUri,
  URI_LIBHTP_DEFAULTS,
  URI_SURICATA_IDS,
  UriParts,
} from '../../src/app/http-uri.js';

const norm = (s: string, o = URI_LIBHTP_DEFAULTS) => normalizeUri(s, o).toString('latin1');

describe('http.uri normalisation (libhtp defaults)', () => {
  it.each([
    ['/', '/'],
    ['/index.html', '/index.html'],
    // percent-decoding, invalid encodings kept
    ['/a%20b', '/a b'],
    ['/%41%42%43', '/ABC'],
    ['/a%zzb', '/a%zzb'],
    ['/a%4', '/a%4'],
    ['/a%', '/a%'],
    ['/%00x', '/\x00x'],
    // dot segments (RFC 3986 5.2.4)
    ['/a/./b', '/a/b'],
    ['/a/../b', '/b'],
    ['/a/b/../../c', '/c'],
    ['/../../etc/passwd', '/etc/passwd'],
    ['/a/b/..', '/a/'],
    ['/a/b/.', '/a/b/'],
    ['/a/.hidden/..x', '/a/.hidden/..x'],
    ['/a/%2e%2e/b', '/b'],
    ['/a/%2E/b', '/a/b'],
    // separators: %2F stays encoded, "//" kept, backslash kept, %u not decoded
    ['/a%2fb', '/a%2fb'],
    ['/a//b', '/a//b'],
    ['/a\\b', '/a\\b'],
    ['/a%u0041', '/a%u0041'],
    // query decoded (every byte, no plus-to-space), kept after the path
    ['/p?q=%2F%41+b', '/p?q=/A+b'],
    ['/p/../x?a=../b', '/x?a=../b'],
    ['/p?a=%zz', '/p?a=%zz'],
    ['/p?', '/p?'],
    ['/p#fr%41g', '/p#frAg'],
    // absolute URI: scheme and authority dropped
    ['http://Example.com/a/../b?x=1', '/b?x=1'],
    ['http://example.com', '/'],
    ['http://example.com?q', '/?q'],
    ['http://u:p@example.com:8080/x', '/x'],
    ['*', '*'],
    // not a scheme: the colon is in the query
    ['index.php?a=b:c', 'index.php?a=b:c'],
  ])('%j -> %j', (raw, want) => {
    expect(norm(raw)).toBe(want);
  });
});

describe('http.uri normalisation (Suricata IDS personality)', () => {
  it.each([
    ['/a%2fb', '/a/b'],
    ['/a//b///c', '/a/b/c'],
    ['/a\\b\\..\\c', '/a/c'],
    ['/a%5cb', '/a/b'],
    ['/a%u0041', '/aA'],
    ['/a/%uff0e%uff0e/b', '/b'],
    ['/a%u4e2d', '/a?'],
  ])('%j -> %j', (raw, want) => {
    expect(norm(raw, URI_SURICATA_IDS)).toBe(want);
  });
});

describe('uri parts', () => {
  it('splits an absolute URI', () => {
    const b = Buffer.from('http://user@[::1]:8080/p?q#f');
    const p = new UriParts();
    splitUri(b, 0, b.length, p);
    const part = (s: number, e: number) => b.toString('latin1', s, e);
    expect(part(p.schemeStart, p.schemeEnd)).toBe('http');
    expect(part(p.hostStart, p.hostEnd)).toBe('[::1]');
    expect(part(p.portStart, p.portEnd)).toBe('8080');
    expect(part(p.pathStart, p.pathEnd)).toBe('/p');
    expect(part(p.queryStart, p.queryEnd)).toBe('q');
    expect(part(p.fragmentStart, p.fragmentEnd)).toBe('f');
  });

  it('splits a CONNECT authority', () => {
    const b = Buffer.from('example.com:443');
    const p = new UriParts();
    splitUri(b, 0, b.length, p, true);
    expect(b.toString('latin1', p.hostStart, p.hostEnd)).toBe('example.com');
    expect(b.toString('latin1', p.portStart, p.portEnd)).toBe('443');
    expect(p.pathStart).toBe(-1);
  });

  it('parses host:port', () => {
    const hp = (s: string) => {
      const b = Buffer.from(s);
      const r = parseHostPort(b, 0, b.length);
      return { host: b.toString('latin1', r.hostStart, r.hostEnd), port: r.port, invalid: r.invalid };
    };
    expect(hp('Example.com')).toEqual({ host: 'Example.com', port: -1, invalid: false });
    expect(hp(' example.com:8080 ')).toEqual({ host: 'example.com', port: 8080, invalid: false });
    expect(hp('[::1]:81')).toEqual({ host: '[::1]', port: 81, invalid: false });
    expect(hp('example.com:abc').invalid).toBe(true);
    expect(hp('example.com:70000').invalid).toBe(true);
    expect(hp('exa mple.com').invalid).toBe(true);
    expect(hp('').invalid).toBe(true);
  });

  it('removes dot segments in place', () => {
    const b = Buffer.from('xx/a/b/c/./../../g');
    const n = removeDotSegments(b, 2, b.length);
    expect(b.toString('latin1', 2, 2 + n)).toBe('/a/g');
    const c = Buffer.from('mid/content=5/../6');
    expect(c.toString('latin1', 0, removeDotSegments(c, 0, c.length))).toBe('mid/6');
  });
});
