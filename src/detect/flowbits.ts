// Per-flow bits set and tested by `flowbits`. Storage is one word array per flow slot,
// allocated the first time a rule sets a bit on that flow and dropped when the flow ends.

import type { CompiledFlowbits } from './signature.js';

export class FlowbitStore {
  private readonly words: (Uint32Array | undefined)[];

  constructor(
    capacity: number,
    private readonly wordCount: number,
  ) {
    this.words = new Array<Uint32Array | undefined>(capacity);
  }

  private isSet(flow: number, bit: number): boolean {
    const w = this.words[flow];
    return w !== undefined && (w[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }

  /** Do the rule's isset / isnotset conditions hold on this flow? */
  conditionsHold(flow: number, ops: readonly CompiledFlowbits[]): boolean {
    for (const op of ops) {
      if (op.cmd !== 'isset' && op.cmd !== 'isnotset') continue;
      const want = op.cmd === 'isset';
      let ok: boolean;
      if (op.join === 'or') {
        // isset,a|b: any is set; isnotset,a|b: any is not set (Suricata).
        ok = op.bits.some((b) => this.isSet(flow, b) === want);
      } else {
        ok = op.bits.every((b) => this.isSet(flow, b) === want);
      }
      if (!ok) return false;
    }
    return true;
  }

  /** Apply the rule's set / unset / toggle operations (after it matched). */
  apply(flow: number, ops: readonly CompiledFlowbits[]): void {
    for (const op of ops) {
      if (op.cmd === 'isset' || op.cmd === 'isnotset') continue;
      let w = this.words[flow];
      if (w === undefined) {
        if (op.cmd === 'unset') continue;
        w = new Uint32Array(this.wordCount);
        this.words[flow] = w;
      }
      for (const b of op.bits) {
        const mask = 1 << (b & 31);
        const i = b >>> 5;
        if (op.cmd === 'set') w[i] = w[i]! | mask;
        else if (op.cmd === 'unset') w[i] = w[i]! & ~mask;
        else w[i] = w[i]! ^ mask;
      }
    }
  }

  /** The flow ended: its slot may be reused. */
  clear(flow: number): void {
    this.words[flow] = undefined;
  }
}
