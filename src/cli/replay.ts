// `vsids replay FILE...`: run pcap/pcapng files through the pipeline at full speed, write
// the outputs and print a summary on stderr.

import { anomalyTotals } from '../alerts/records.js';
import { FileSource } from '../capture/file-source.js';
import { Pipeline } from '../pipeline.js';
import { EXIT_OK, makeLogger, openEve, type PipelineCliOptions, resolveConfig, UsageError } from './common.js';

export async function replayCommand(files: string[], opts: PipelineCliOptions): Promise<number> {
  if (files.length === 0) throw new UsageError('replay: give at least one capture FILE');
  const log = await makeLogger(opts.logLevel);
  const cfg = await resolveConfig(opts);
  const source = new FileSource(files);
  const eve = openEve(cfg);
  const pipeline = new Pipeline({
    eve,
    eveTypes: new Set(cfg.eve.types),
    context: { fromFile: true, sensorName: cfg.sensorName },
    decoder: cfg.decoder,
  });
  const stop = (): void => source.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const t0 = process.hrtime.bigint();
  try {
    await source.run(pipeline.packet, pipeline.onPacket);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  pipeline.writeStats();
  pipeline.close();

  const s = pipeline.decodeStats;
  const anomalies = anomalyTotals(s);
  const anomalyCount = Object.values(anomalies).reduce((a, b) => a + b, 0);
  log.debug({ files, eve: cfg.eve.path, anomalies }, 'replay finished');
  process.stderr.write(
    `${[
      `vsids replay: ${files.join(', ')}`,
      `  packets   ${s.pkts} (${s.bytes} bytes, ${s.invalid} invalid)`,
      `  anomalies ${anomalyCount}${anomalyCount > 0 ? ` (${topAnomalies(anomalies)})` : ''}`,
      `  elapsed   ${elapsed.toFixed(3)} s, ${Math.round(s.pkts / Math.max(elapsed, 1e-9))} packets/s`,
      `  memory    peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`,
      cfg.eve.path !== undefined ? `  eve       ${cfg.eve.path}` : '',
    ]
      .filter((l) => l !== '')
      .join('\n')}\n`,
  );
  return EXIT_OK;
}

function topAnomalies(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
}
