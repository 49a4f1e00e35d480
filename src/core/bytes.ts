// Unsigned integer reads from a byte array by hand, for the packet path.
//
// Buffer#readUInt16BE and friends validate their argument in a helper V8 does not inline,
// which costs more than the read itself at a few reads per layer per packet. Callers check
// bounds before reading (decoders must anyway: a short header is an anomaly, not a throw);
// a read past the end gives 0 bits for the missing bytes, never an exception.

export function u16be(d: Uint8Array, off: number): number {
  return (d[off]! << 8) | d[off + 1]!;
}

export function u16le(d: Uint8Array, off: number): number {
  return d[off]! | (d[off + 1]! << 8);
}

export function u32be(d: Uint8Array, off: number): number {
  return ((d[off]! << 24) | (d[off + 1]! << 16) | (d[off + 2]! << 8) | d[off + 3]!) >>> 0;
}

export function u32le(d: Uint8Array, off: number): number {
  return (d[off]! | (d[off + 1]! << 8) | (d[off + 2]! << 16) | (d[off + 3]! << 24)) >>> 0;
}

/**
 * Copy src[start, end) to dst at `at`, clipped to both arrays as Buffer#copy is; returns the
 * bytes copied. Cheaper per call than Buffer#copy, which validates its arguments and makes its
 * view in JS helpers costing more than the copy of a packet's payload: runs of a few dozen
 * bytes are copied by hand, longer ones by TypedArray#set of a view. Ranges must not overlap
 * within one buffer (use copyWithin).
 */
export function copyBytes(src: Uint8Array, start: number, end: number, dst: Uint8Array, at: number): number {
  let n = (end < src.length ? end : src.length) - start;
  if (dst.length - at < n) n = dst.length - at;
  if (n <= 0 || start < 0 || at < 0) return 0;
  if (n <= 32) {
    for (let i = 0; i < n; i++) dst[at + i] = src[start + i]!;
  } else {
    dst.set(new Uint8Array(src.buffer, src.byteOffset + start, n), at);
  }
  return n;
}
