// Packet time helpers. Timestamps travel as (seconds, nanoseconds) integer pairs.

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * ISO 8601 with microseconds and a numeric UTC offset, as Suricata's EVE writes it:
 * 2024-01-02T03:04:05.123456+0000.
 */
export function eveTimestamp(sec: number, nsec: number): string {
  // Records come in packet-time order, so most share the second of the one before: keep
  // its date-time prefix (formatting a Date is the costly part).
  if (sec !== lastSec) {
    const d = new Date(sec * 1000);
    lastPrefix =
      `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
      `T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.`;
    lastSec = sec;
  }
  const us = Math.floor(nsec / 1000);
  // 1e6 + us has seven digits for 0 <= us < 1e6: drop the leading 1 instead of padding.
  const frac = us >= 0 && us < 1e6 ? String(1e6 + us).slice(1) : pad(us, 6);
  return `${lastPrefix}${frac}+0000`;
}

let lastSec = Number.NaN;
let lastPrefix = '';

/** The same instant in the `Z` form used by `vsids decode`. */
export function isoTimestampZ(sec: number, nsec: number): string {
  const s = eveTimestamp(sec, nsec);
  return `${s.slice(0, -5)}Z`;
}

/** Seconds as a float, for rates and durations (not for identity). */
export function tsSeconds(sec: number, nsec: number): number {
  return sec + nsec / 1e9;
}
