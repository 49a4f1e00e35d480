// EVE JSON lines writer: buffers lines and writes them in large synchronous chunks to a
// file (or stdout for '-'). Synchronous writes keep ordering simple and lose nothing on
// exit; the buffer keeps the number of system calls low.

import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

const FLUSH_AT = 256 * 1024;

export class EveWriter {
  readonly path: string;
  private readonly fd: number;
  private readonly ownsFd: boolean;
  private pending: string[] = [];
  private pendingBytes = 0;
  /** Lines written so far, per event_type. */
  readonly counts = new Map<string, number>();

  constructor(path: string) {
    this.path = path;
    if (path === '-') {
      this.fd = 1;
      this.ownsFd = false;
    } else {
      mkdirSync(dirname(path), { recursive: true });
      this.fd = openSync(path, 'a');
      this.ownsFd = true;
    }
  }

  /** Append one event. `eventType` must equal record.event_type (passed to avoid a lookup). */
  write(eventType: string, record: object): void {
    const line = `${JSON.stringify(record)}\n`;
    this.pending.push(line);
    this.pendingBytes += line.length;
    this.counts.set(eventType, (this.counts.get(eventType) ?? 0) + 1);
    if (this.pendingBytes >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const chunk = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingBytes = 0;
    writeFully(this.fd, chunk);
  }

  close(): void {
    this.flush();
    if (this.ownsFd) closeSync(this.fd);
  }
}

/** writeSync until every byte is out; a non-blocking pipe (EAGAIN) is retried after a short pause. */
export function writeFully(fd: number, chunk: Buffer): void {
  let off = 0;
  while (off < chunk.length) {
    try {
      off += writeSync(fd, chunk, off, chunk.length - off);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
    }
  }
}
