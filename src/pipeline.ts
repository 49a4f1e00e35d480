// The packet pipeline as it stands: capture -> decode -> outputs. One Packet is reused for
// every frame; `onPacket` is created once and handed to the capture source.

import type { EveWriter } from './alerts/eve-writer.js';
import { anomalyRecords, type CaptureCounters, type RecordContext, statsRecord } from './alerts/records.js';
import { Packet } from './core/packet.js';
import { DecodeStats, decodePacket } from './decode/decoder.js';
import { type DecoderConfig, registerDefaultDecoders } from './decode/defaults.js';

export interface PipelineOptions {
  eve?: EveWriter;
  /** EVE event types to write (alert, anomaly, flow, stats). */
  eveTypes: ReadonlySet<string>;
  context: RecordContext;
  decoder: DecoderConfig;
}

export class Pipeline {
  readonly packet = new Packet();
  readonly decodeStats = new DecodeStats();
  /** Packet time of the last frame, for records written at the end. */
  lastTsSec = 0;
  lastTsNsec = 0;
  private readonly eve: EveWriter | undefined;
  private readonly writeAnomalies: boolean;
  private readonly startedAt = process.hrtime.bigint();

  constructor(private readonly opts: PipelineOptions) {
    registerDefaultDecoders(opts.decoder);
    this.eve = opts.eve;
    this.writeAnomalies = opts.eve !== undefined && opts.eveTypes.has('anomaly');
  }

  /** Runs for every frame the source delivers. */
  readonly onPacket = (p: Packet): void => {
    decodePacket(p, this.decodeStats);
    this.lastTsSec = p.tsSec;
    this.lastTsNsec = p.tsNsec;
    if (p.anomalyCount !== 0 && this.writeAnomalies) this.logAnomalies(p);
  };

  private logAnomalies(p: Packet): void {
    for (const r of anomalyRecords(p, this.opts.context)) this.eve!.write('anomaly', r);
  }

  /** Seconds since the pipeline was built (wall clock). */
  uptimeSeconds(): number {
    return Number(process.hrtime.bigint() - this.startedAt) / 1e9;
  }

  /** Write a stats record (periodic in `run`, final in both). */
  writeStats(capture?: CaptureCounters, tsSec = this.lastTsSec, tsNsec = this.lastTsNsec): void {
    if (this.eve === undefined || !this.opts.eveTypes.has('stats')) return;
    this.eve.write(
      'stats',
      statsRecord({
        tsSec,
        tsNsec,
        uptimeSec: this.uptimeSeconds(),
        decode: this.decodeStats,
        capture,
        sensorName: this.opts.context.sensorName,
      }),
    );
  }

  close(): void {
    this.eve?.close();
  }
}
