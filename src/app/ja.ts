// TLS client and server fingerprints: JA3, JA3S (Salesforce) and JA4 (FoxIO).
//
//   JA3  = MD5("SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats")
//          decimal values, '-' inside a field, ',' between fields; from the ClientHello.
//          https://github.com/salesforce/ja3
//   JA3S = MD5("SSLVersion,Cipher,Extensions") from the ServerHello.
//   JA4  = a_b_c   https://github.com/FoxIO-LLC/ja4/blob/main/technical_details/JA4.md
//          a: protocol (t/q/d) + 2-char TLS version + SNI (d/i) + 2-digit cipher count
//             + 2-digit extension count + first/last character of the first ALPN value
//          b: SHA-256 of the sorted cipher list (4-hex, comma joined), first 12 hex chars
//          c: SHA-256 of the sorted extension list without SNI (0000) and ALPN (0010),
//             then '_' and the signature algorithms in wire order, first 12 hex chars
//
// GREASE values (RFC 8701: 0x0a0a, 0x1a1a, ... 0xfafa) are left out everywhere: clients
// pick them at random, so keeping them would give one client many fingerprints.
//
// Pure functions over numbers; the TLS parser calls them only when a fingerprint is asked
// for (EVE output, detection), at most once per handshake.

import * as crypto from 'node:crypto';

/**
 * Hex digest of a string's latin1 bytes. crypto.hash (Node >= 20.12) is a one-shot call
 * several times cheaper than createHash().update().digest(); it reads strings as UTF-8, which
 * is the same bytes for ASCII (every fingerprint string), so anything else, or an older Node,
 * takes the createHash path.
 */
const oneShot: ((alg: string, data: string, enc: 'hex') => string) | undefined =
  typeof crypto.hash === 'function' ? crypto.hash : undefined;
export function hexDigest(alg: 'md5' | 'sha1' | 'sha256', s: string): string {
  if (oneShot !== undefined && isAscii(s)) return oneShot(alg, s, 'hex');
  return crypto.createHash(alg).update(s, 'latin1').digest('hex');
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** RFC 8701 GREASE value: both bytes equal and of the form 0x?a. */
export function isGrease(v: number): boolean {
  return (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);
}

/** What JA3 and JA4 need from a ClientHello. Values in wire order, GREASE included. */
export interface ClientHelloPrint {
  /** legacy_version of the ClientHello (0x0303 for TLS 1.2 and 1.3). */
  version: number;
  ciphers: readonly number[];
  /** Extension types in wire order. */
  extensions: readonly number[];
  /** supported_groups (elliptic_curves) extension. */
  groups: readonly number[];
  /** ec_point_formats extension (8-bit values). */
  pointFormats: readonly number[];
  /** signature_algorithms extension, wire order. */
  sigAlgs: readonly number[];
  /** supported_versions extension (TLS 1.3), wire order. */
  supportedVersions: readonly number[];
  /** First ALPN protocol name (raw bytes), if any. */
  firstAlpn?: Uint8Array | undefined;
  /** JA4 protocol letter: 't' TLS over TCP (default), 'q' QUIC, 'd' DTLS. */
  transport?: 't' | 'q' | 'd';
}

function joinDecimal(values: readonly number[]): string {
  let s = '';
  let first = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (isGrease(v)) continue;
    s += first ? `${v}` : `-${v}`;
    first = false;
  }
  return s;
}

/** The JA3 string "771,4865-4866-...,0-23-65281-...,29-23-24,0". */
export function ja3String(ch: ClientHelloPrint): string {
  return `${ch.version},${joinDecimal(ch.ciphers)},${joinDecimal(ch.extensions)},${joinDecimal(ch.groups)},${joinDecimal(ch.pointFormats)}`;
}

/** The JA3S string "771,49199,65281-0-11-35-16". */
export function ja3sString(version: number, cipher: number, extensions: readonly number[]): string {
  return `${version},${cipher},${joinDecimal(extensions)}`;
}

/** MD5 hex of a JA3/JA3S string (32 lowercase hex characters). */
export function ja3Hash(s: string): string {
  return hexDigest('md5', s);
}

/** JA4 two-character version code (JA4.md "TLS and DTLS Version"). */
export function ja4Version(v: number): string {
  switch (v) {
    case 0x0304:
      return '13';
    case 0x0303:
      return '12';
    case 0x0302:
      return '11';
    case 0x0301:
      return '10';
    case 0x0300:
      return 's3';
    case 0x0002:
    case 0x0200:
      return 's2';
    case 0x0100:
      return 's1';
    case 0xfeff:
      return 'd1';
    case 0xfefd:
      return 'd2';
    case 0xfefc:
      return 'd3';
    default:
      return '00';
  }
}

function isAlnum(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

const HEX = '0123456789abcdef';

/** JA4 ALPN characters: first and last of the first ALPN value, "00" when absent. */
export function ja4Alpn(alpn: Uint8Array | undefined): string {
  if (alpn === undefined || alpn.length === 0) return '00';
  const first = alpn[0]!;
  const last = alpn[alpn.length - 1]!;
  if (isAlnum(first) && isAlnum(last)) return String.fromCharCode(first, last);
  // Not alphanumeric: first and last characters of the value's hex representation.
  return HEX[first >> 4]! + HEX[last & 0x0f]!;
}

function hex4(v: number): string {
  return HEX[(v >> 12) & 15]! + HEX[(v >> 8) & 15]! + HEX[(v >> 4) & 15]! + HEX[v & 15]!;
}

function twoDigits(n: number): string {
  const c = Math.min(n, 99);
  return c < 10 ? `0${c}` : `${c}`;
}

function sha12(s: string): string {
  return hexDigest('sha256', s).slice(0, 12);
}

/** Values as 4-hex-digit strings joined by ','. */
function hexJoin(values: readonly number[]): string {
  let s = '';
  for (let i = 0; i < values.length; i++) s += i === 0 ? hex4(values[i]!) : `,${hex4(values[i]!)}`;
  return s;
}

/** The three JA4 parts before hashing: a, sorted ciphers, sorted extensions[_sigalgs]. */
export function ja4Parts(ch: ClientHelloPrint): { a: string; b: string; c: string } {
  // Version: highest non-GREASE supported_versions entry, else the legacy version.
  let version = -1;
  for (const v of ch.supportedVersions) if (!isGrease(v) && v > version) version = v;
  if (version < 0) version = ch.version;

  const ciphers: number[] = [];
  for (const c of ch.ciphers) if (!isGrease(c)) ciphers.push(c);
  let extCount = 0;
  let sni = false;
  const exts: number[] = [];
  for (const e of ch.extensions) {
    if (isGrease(e)) continue;
    extCount++;
    if (e === 0x0000) sni = true;
    else if (e !== 0x0010) exts.push(e);
  }
  ciphers.sort((x, y) => x - y);
  exts.sort((x, y) => x - y);
  let sigs = '';
  for (const s of ch.sigAlgs) if (!isGrease(s)) sigs += sigs.length === 0 ? hex4(s) : `,${hex4(s)}`;

  const a = `${ch.transport ?? 't'}${ja4Version(version)}${sni ? 'd' : 'i'}${twoDigits(ciphers.length)}${twoDigits(extCount)}${ja4Alpn(ch.firstAlpn)}`;
  const b = hexJoin(ciphers);
  let c = hexJoin(exts);
  if (sigs.length > 0) c = `${c}_${sigs}`;
  return { a, b, c: exts.length === 0 ? '' : c };
}

/** JA4 fingerprint, e.g. "t13d1516h2_8daaf6152771_e5627efa2ab1". */
export function ja4(ch: ClientHelloPrint): string {
  const { a, b, c } = ja4Parts(ch);
  // An empty list hashes to 000000000000 so "nothing there" is visible (JA4.md).
  return `${a}_${b.length === 0 ? '000000000000' : sha12(b)}_${c.length === 0 ? '000000000000' : sha12(c)}`;
}

/** JA4_r: the same fingerprint with the lists in clear (sorted). */
export function ja4Raw(ch: ClientHelloPrint): string {
  const { a, b, c } = ja4Parts(ch);
  return `${a}_${b}_${c}`;
}
