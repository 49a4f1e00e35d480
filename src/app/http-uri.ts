// HTTP request-target normalisation, as Suricata's `http.uri` buffer (libhtp's normalised URI).
// RFC 3986 https://www.rfc-editor.org/rfc/rfc3986 (URI syntax, 5.2.4 remove_dot_segments),
// RFC 9112 section 3.2 (request-target forms).
//
//   absolute-form:  http://user:pw@Host.Example:8080/a/./b/../c%41?q=%2F#frag
//                   \__/   \_____/ \______________/ \___________/ \___/ \__/
//                  scheme userinfo      host:port        path      query frag
//   origin-form:    /a/b?q          authority-form (CONNECT): host:port     asterisk: *
//
// What `normalizeUriInto` produces (Suricata 7 `http.uri` with `uri-include-all: no`, which is
// libhtp's parsed URI re-assembled by Suricata's SCHTPGenerateNormalizedUri):
//   * scheme, userinfo, host and port of an absolute URI are dropped: only path?query#fragment
//     remain. An absolute URI with an empty path gets the path "/" (libhtp finalises it so).
//   * path: percent-decoded %XX. Invalid encodings (`%zz`, `%4` at the end) keep the `%` and
//     go on with the next byte (libhtp HTP_URL_DECODE_PRESERVE_PERCENT, its default). An
//     encoded separator (%2F, and %5C when backslashes are separators) stays encoded unless
//     `decodePathSeparators`. `%uHHHH` is decoded only with `decodeUEncoding` (values up to
//     0xFF as that byte, full-width U+FF01..U+FF5E as their ASCII twin, anything else as `?`:
//     a reduced form of libhtp's best-fit map). `\` becomes `/` only with `backslashToSlash`;
//     runs of `/` are compressed only with `compressSeparators`. Raw NUL bytes are kept.
//     Then dot segments are removed as RFC 3986 5.2.4 (always: libhtp does it in every
//     personality), on the decoded path, so `/a/%2e%2e/b` becomes `/b`.
//   * query: percent-decoded %XX, every byte including `/` and NUL (Suricata decodes the query
//     with libhtp's urlencoded decoder: no `+` to space, no %u); invalid encodings kept as is.
//   * fragment (rarely sent): percent-decoded like the path but without separator rules.
//   * not done: UTF-8 best-fit folding of raw non-ASCII bytes in the path, lower-casing
//     (Suricata turns the IDS personality's lower-casing off), percent-decoding of the host.
//
// libhtp's own defaults (htp_config_create: the MINIMAL personality) leave the four options
// off; Suricata's shipped suricata.yaml selects `personality: IDS`, which turns all four on.
// Both presets are exported; the parser defaults to the libhtp one (URI_LIBHTP_DEFAULTS).
//
// Scheme detection is stricter than libhtp's (which takes anything before the first `:` of a
// target not starting with `/` as a scheme): a scheme here must be ALPHA *(ALPHA / DIGIT /
// "+" / "-" / "."), so `index.php?a=b:c` stays a path.

/** Options of the path decoder (libhtp's URL_PATH decoder context). */
export interface UriNormalizeOptions {
  /** Decode `%uHHHH` in the path (libhtp default: no; IDS personality: yes). */
  readonly decodeUEncoding: boolean;
  /** Treat `\` as `/` (libhtp default: no; IDS personality: yes). */
  readonly backslashToSlash: boolean;
  /** Decode encoded separators %2F (and %5C with backslashToSlash) (libhtp default: no; IDS: yes). */
  readonly decodePathSeparators: boolean;
  /** Compress runs of `/` into one (libhtp default: no; IDS: yes). */
  readonly compressSeparators: boolean;
}

/** libhtp's built-in defaults (htp_config_create, server personality MINIMAL). */
export const URI_LIBHTP_DEFAULTS: UriNormalizeOptions = Object.freeze({
  decodeUEncoding: false,
  backslashToSlash: false,
  decodePathSeparators: false,
  compressSeparators: false,
});

/** Suricata's shipped configuration (`libhtp.default-config.personality: IDS`, lower-casing off). */
export const URI_SURICATA_IDS: UriNormalizeOptions = Object.freeze({
  decodeUEncoding: true,
  backslashToSlash: true,
  decodePathSeparators: true,
  compressSeparators: true,
});

const PERCENT = 0x25;
const SLASH = 0x2f;
const BACKSLASH = 0x5c;
const DOT = 0x2e;
const QUESTION = 0x3f;
const HASH = 0x23;
const COLON = 0x3a;
const AT = 0x40;

/** Offsets of the parts of a raw request-target, into the source buffer; -1 when absent. */
export class UriParts {
  schemeStart = -1;
  schemeEnd = -1;
  /** Host of the authority (brackets of an IPv6 literal included). */
  hostStart = -1;
  hostEnd = -1;
  /** Port digits of the authority (without the colon). */
  portStart = -1;
  portEnd = -1;
  pathStart = -1;
  pathEnd = -1;
  queryStart = -1;
  queryEnd = -1;
  fragmentStart = -1;
  fragmentEnd = -1;

  reset(): void {
    this.schemeStart = this.schemeEnd = this.hostStart = this.hostEnd = -1;
    this.portStart = this.portEnd = this.pathStart = this.pathEnd = -1;
    this.queryStart = this.queryEnd = this.fragmentStart = this.fragmentEnd = -1;
  }

  get absolute(): boolean {
    return this.schemeStart >= 0;
  }
}

function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isSchemeChar(c: number): boolean {
  return isAlpha(c) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === DOT;
}

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * Split the raw request-target `src[start, end)` into its parts (RFC 3986 section 3).
 * `authorityForm` (CONNECT): the whole target is `host[:port]`.
 */
export function splitUri(src: Uint8Array, start: number, end: number, out: UriParts, authorityForm = false): void {
  out.reset();
  let pos = start;
  if (authorityForm) {
    // libhtp: an optional "//", then a host unless a "/" follows (a path: no host)
    if (end - start >= 2 && src[start] === SLASH && src[start + 1] === SLASH) pos += 2;
    if (pos < end && src[pos] === SLASH) return;
    splitAuthority(src, pos, end, out);
    return;
  }
  // scheme ":" (only when the target does not start with "/")
  if (pos < end && isAlpha(src[pos]!)) {
    let i = pos + 1;
    while (i < end && isSchemeChar(src[i]!)) i++;
    if (i < end && src[i] === COLON) {
      out.schemeStart = pos;
      out.schemeEnd = i;
      pos = i + 1;
      // "//" authority: two slashes; three or more start a path (as libhtp)
      if (pos + 1 < end && src[pos] === SLASH && src[pos + 1] === SLASH && (pos + 2 >= end || src[pos + 2] !== SLASH)) {
        const aStart = pos + 2;
        let aEnd = aStart;
        while (aEnd < end) {
          const c = src[aEnd]!;
          if (c === SLASH || c === QUESTION || c === HASH) break;
          aEnd++;
        }
        splitAuthority(src, aStart, aEnd, out);
        pos = aEnd;
      }
    }
  }
  out.pathStart = pos;
  while (pos < end && src[pos] !== QUESTION && src[pos] !== HASH) pos++;
  out.pathEnd = pos;
  if (pos < end && src[pos] === QUESTION) {
    out.queryStart = ++pos;
    while (pos < end && src[pos] !== HASH) pos++;
    out.queryEnd = pos;
  }
  if (pos < end && src[pos] === HASH) {
    out.fragmentStart = pos + 1;
    out.fragmentEnd = end;
  }
}

/** authority = [ userinfo "@" ] host [ ":" port ]; the host keeps IPv6 brackets. */
function splitAuthority(src: Uint8Array, start: number, end: number, out: UriParts): void {
  let s = start;
  for (let i = end - 1; i >= start; i--) {
    if (src[i] === AT) {
      s = i + 1;
      break;
    }
  }
  let hostEnd: number;
  if (s < end && src[s] === 0x5b) {
    // [IPv6]
    let i = s;
    while (i < end && src[i] !== 0x5d) i++;
    hostEnd = i < end ? i + 1 : end;
  } else {
    let i = s;
    while (i < end && src[i] !== COLON) i++;
    hostEnd = i;
  }
  out.hostStart = s;
  out.hostEnd = hostEnd;
  if (hostEnd < end && src[hostEnd] === COLON) {
    out.portStart = hostEnd + 1;
    out.portEnd = end;
  }
}

/** Decode %uHHHH at src[i] (the 4 hex digits) to one byte (reduced best-fit). */
function uByte(src: Uint8Array, i: number): number {
  const v = (hexVal(src[i]!) << 12) | (hexVal(src[i + 1]!) << 8) | (hexVal(src[i + 2]!) << 4) | hexVal(src[i + 3]!);
  if (v <= 0xff) return v;
  if (v >= 0xff01 && v <= 0xff5e) return v - 0xfee0; // full-width ASCII
  return QUESTION;
}

function isHex4(src: Uint8Array, i: number): boolean {
  return hexVal(src[i]!) >= 0 && hexVal(src[i + 1]!) >= 0 && hexVal(src[i + 2]!) >= 0 && hexVal(src[i + 3]!) >= 0;
}

/**
 * Percent-decode the path src[start, end) into out[o...] with the path rules above, then
 * remove dot segments in place. Returns the end offset in `out`. Never writes more than
 * `end - start` bytes.
 */
export function decodePathInto(
  src: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  o: number,
  opts: UriNormalizeOptions,
): number {
  const begin = o;
  let prevSlash = false;
  let r = start;
  while (r < end) {
    let c = src[r]!;
    if (c === PERCENT && r + 2 < end) {
      const n1 = src[r + 1]!;
      if (opts.decodeUEncoding && (n1 === 0x75 || n1 === 0x55)) {
        if (r + 5 < end && isHex4(src, r + 2)) {
          const d = uByte(src, r + 2);
          if ((d === SLASH || (opts.backslashToSlash && d === BACKSLASH)) && !opts.decodePathSeparators) {
            r++; // keep the encoded separator: '%' now, the rest as plain bytes
          } else {
            c = d;
            r += 6;
          }
        } else {
          r++; // invalid %u: keep '%'
        }
      } else {
        const h1 = hexVal(n1);
        const h2 = hexVal(src[r + 2]!);
        if (h1 >= 0 && h2 >= 0) {
          const d = (h1 << 4) | h2;
          if ((d === SLASH || (opts.backslashToSlash && d === BACKSLASH)) && !opts.decodePathSeparators) {
            r++;
          } else {
            c = d;
            r += 3;
          }
        } else {
          r++; // invalid: keep '%'
        }
      }
    } else {
      r++;
    }
    if (c === BACKSLASH && opts.backslashToSlash) c = SLASH;
    if (c === SLASH && opts.compressSeparators) {
      if (prevSlash) continue;
      prevSlash = true;
    } else {
      prevSlash = false;
    }
    out[o++] = c;
  }
  return begin + removeDotSegments(out, begin, o);
}

/**
 * RFC 3986 5.2.4 remove_dot_segments on buf[start, end), in place (the output never
 * outgrows the input). Returns the new length.
 */
export function removeDotSegments(buf: Uint8Array, start: number, end: number): number {
  let r = start;
  let w = start;
  while (r < end) {
    const c0 = buf[r]!;
    const c1 = r + 1 < end ? buf[r + 1]! : -1;
    const c2 = r + 2 < end ? buf[r + 2]! : -1;
    const c3 = r + 3 < end ? buf[r + 3]! : -1;
    // A: "../" or "./" prefix
    if (c0 === DOT && c1 === DOT && c2 === SLASH) {
      r += 3;
      continue;
    }
    if (c0 === DOT && c1 === SLASH) {
      r += 2;
      continue;
    }
    if (c0 === SLASH && c1 === DOT) {
      // B: "/./" -> "/", "/." at the end -> "/"
      if (c2 === SLASH) {
        r += 2;
        continue;
      }
      if (r + 2 === end) {
        r += 1;
        buf[r] = SLASH;
        continue;
      }
      // C: "/../" -> "/" and drop the last output segment; "/.." at the end likewise
      if (c2 === DOT && (c3 === SLASH || r + 3 === end)) {
        if (c3 === SLASH) {
          r += 3;
        } else {
          r += 2;
          buf[r] = SLASH;
        }
        while (w > start && buf[w - 1] !== SLASH) w--;
        if (w > start) w--;
        continue;
      }
    }
    // D: "." or ".." alone
    if (c0 === DOT && (r + 1 === end || (c1 === DOT && r + 2 === end))) break;
    // E: move the first segment (with its leading "/") to the output
    buf[w++] = c0;
    r++;
    while (r < end && buf[r] !== SLASH) buf[w++] = buf[r++]!;
  }
  return w - start;
}

/** Percent-decode %XX (and %uHHHH when `uDecode`) from src into out; invalid encodings kept. */
export function percentDecodeInto(
  src: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  o: number,
  uDecode: boolean,
): number {
  let r = start;
  while (r < end) {
    const c = src[r]!;
    if (c === PERCENT && r + 2 < end) {
      const n1 = src[r + 1]!;
      if (uDecode && (n1 === 0x75 || n1 === 0x55)) {
        if (r + 5 < end && isHex4(src, r + 2)) {
          out[o++] = uByte(src, r + 2);
          r += 6;
          continue;
        }
      } else {
        const h1 = hexVal(n1);
        const h2 = hexVal(src[r + 2]!);
        if (h1 >= 0 && h2 >= 0) {
          out[o++] = (h1 << 4) | h2;
          r += 3;
          continue;
        }
      }
    }
    out[o++] = c;
    r++;
  }
  return o;
}

/**
 * Write the normalised URI (path?query#fragment) of the target split in `parts` into
 * out[o...]; returns the end offset. Needs at most `rawLength + 1` bytes of room.
 */
export function normalizeUriInto(
  src: Uint8Array,
  parts: UriParts,
  out: Uint8Array,
  o: number,
  opts: UriNormalizeOptions,
): number {
  if (parts.pathStart >= 0) {
    if (parts.pathEnd > parts.pathStart) {
      o = decodePathInto(src, parts.pathStart, parts.pathEnd, out, o, opts);
    } else if (parts.absolute) {
      out[o++] = SLASH;
    }
  }
  if (parts.queryStart >= 0) {
    out[o++] = QUESTION;
    o = percentDecodeInto(src, parts.queryStart, parts.queryEnd, out, o, false);
  }
  if (parts.fragmentStart >= 0) {
    out[o++] = HASH;
    o = percentDecodeInto(src, parts.fragmentStart, parts.fragmentEnd, out, o, opts.decodeUEncoding);
  }
  return o;
}

/** Convenience (tests, tools): the normalised form of a raw request-target. */
export function normalizeUri(raw: Buffer | string, opts: UriNormalizeOptions = URI_LIBHTP_DEFAULTS): Buffer {
  const src = typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw;
  const parts = new UriParts();
  splitUri(src, 0, src.length, parts);
  const out = Buffer.allocUnsafe(src.length + 1);
  const end = normalizeUriInto(src, parts, out, 0, opts);
  return out.subarray(0, end);
}

/** Result of parsing a `host[:port]` (Host header value or URI authority). */
export interface HostPort {
  /** Host bytes [hostStart, hostEnd) in the source (brackets of an IPv6 literal kept). */
  hostStart: number;
  hostEnd: number;
  /** Port number; -1 when absent. */
  port: number;
  /** The port was present but not a number in 1..65535, or the host has invalid characters. */
  invalid: boolean;
}

function isHostChar(c: number): boolean {
  return isAlpha(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === DOT || c === 0x5f || c === 0x7e || c === PERCENT;
}

/** Parse `host[:port]` in src[start, end) (surrounding whitespace ignored). */
export function parseHostPort(src: Uint8Array, start: number, end: number): HostPort {
  return parseHostPortInto(src, start, end, { hostStart: 0, hostEnd: 0, port: -1, invalid: false });
}

/** parseHostPort into `out` (returned): no allocation. */
export function parseHostPortInto(src: Uint8Array, start: number, end: number, out: HostPort): HostPort {
  while (start < end && (src[start] === 0x20 || src[start] === 0x09)) start++;
  while (end > start && (src[end - 1] === 0x20 || src[end - 1] === 0x09)) end--;
  let hostEnd: number;
  let invalid = false;
  if (start < end && src[start] === 0x5b) {
    let i = start;
    while (i < end && src[i] !== 0x5d) i++;
    if (i === end) invalid = true;
    hostEnd = i < end ? i + 1 : end;
  } else {
    let i = start;
    while (i < end && src[i] !== COLON) {
      if (!isHostChar(src[i]!)) invalid = true;
      i++;
    }
    hostEnd = i;
  }
  if (hostEnd === start) invalid = true;
  let port = -1;
  if (hostEnd < end) {
    if (src[hostEnd] !== COLON) {
      invalid = true;
    } else {
      let v = 0;
      let digits = 0;
      for (let i = hostEnd + 1; i < end; i++) {
        const c = src[i]!;
        if (c < 0x30 || c > 0x39 || digits >= 6) {
          digits = -1;
          break;
        }
        v = v * 10 + (c - 0x30);
        digits++;
      }
      if (digits > 0 && v >= 1 && v <= 65535) port = v;
      else if (digits !== 0) invalid = true; // "host:" alone is tolerated (RFC 3986 allows an empty port)
    }
  }
  out.hostStart = start;
  out.hostEnd = hostEnd;
  out.port = port;
  out.invalid = invalid;
  return out;
}

/** Copy a host into out[o...] lower-cased, without trailing dots (libhtp's hostname normalisation). */
export function normalizeHostInto(src: Uint8Array, start: number, end: number, out: Uint8Array, o: number): number {
  while (end > start && src[end - 1] === DOT) end--;
  for (let i = start; i < end; i++) {
    const c = src[i]!;
    out[o++] = c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
  }
  return o;
}
