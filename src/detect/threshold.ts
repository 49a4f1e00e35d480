// threshold and detection_filter, in packet time, as Suricata's detect-engine-threshold:
//   limit      alert on the first `count` matches of each `seconds` window;
//   threshold  alert on every `count`-th match within a window;
//   both       alert once per window, when the count reaches `count`;
//   detection_filter  alert on every match after the first `count` within a window.
// Trackers are keyed by rule and by source, destination, both, flow or nothing (by_rule); the
// table is bounded and forgets the oldest trackers when full (counted).

import type { ThresholdSpec } from './rules/types.js';

interface Tracker {
  start: number;
  count: number;
}

export class ThresholdTable {
  private readonly trackers = new Map<string, Tracker>();
  evicted = 0;

  constructor(private readonly maxTrackers = 100_000) {}

  /** A rule matched: should it alert? `key` identifies the tracked entity. */
  allow(spec: ThresholdSpec, key: string, now: number): boolean {
    let t = this.trackers.get(key);
    if (t === undefined || now - t.start > spec.seconds) {
      if (t === undefined && this.trackers.size >= this.maxTrackers) {
        const oldest = this.trackers.keys().next().value;
        if (oldest !== undefined) this.trackers.delete(oldest);
        this.evicted++;
      }
      t = { start: now, count: 0 };
      this.trackers.set(key, t);
    }
    t.count++;
    if (spec.keyword === 'detection_filter') return t.count > spec.count;
    switch (spec.type) {
      case 'limit':
        return t.count <= spec.count;
      case 'threshold':
        if (t.count >= spec.count) {
          t.count = 0;
          return true;
        }
        return false;
      default:
        return t.count === spec.count;
    }
  }
}
