// A fake AppSink for parser tests: records every progress step and anomaly a parser reports.

import { expect } from 'vitest';
import type { AppSink, AppTx, Direction } from '../../src/app/types.js';

export class RecordingSink<T extends AppTx> implements AppSink {
  events: string[] = [];
  steps: Array<{ progress: number; dir: Direction }> = [];
  txs: AppTx[] = [];

  /** `proto`: the protocol every anomaly must be reported for. */
  constructor(private readonly proto: string) {}

  txProgress(_flow: unknown, tx: AppTx, dir: Direction): void {
    if (!this.txs.includes(tx)) this.txs.push(tx);
    this.steps.push({ progress: tx.progress, dir });
  }

  anomaly(_flow: unknown, proto: string, event: string): void {
    expect(proto).toBe(this.proto);
    this.events.push(event);
  }

  /** The one transaction the parser reported. */
  get tx(): T {
    expect(this.txs.length).toBe(1);
    return this.txs[0] as T;
  }
}
