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
