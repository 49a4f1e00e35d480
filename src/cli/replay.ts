// `vsids replay FILE...`: run pcap/pcapng files through the pipeline at full speed, write
// the outputs and print a summary on stderr.

import { anomalyTotals } from '../alerts/records.js';
import { FileSource } from '../capture/file-source.js';
import { Pipeline } from '../pipeline.js';
import {
  EXIT_OK,
  loadConfiguredRules,
  makeLogger,
  openEve,
  type PipelineCliOptions,
  pipelineOptions,
  resolveConfig,
  type LoadedRules,
  UsageError,
} from './common.js';

export async function replayCommand(files: string[], opts: PipelineCliOptions): Promise<number> {
  if (files.length === 0) throw new UsageError('replay: give at least one capture FILE');
  const log = await makeLogger(opts.logLevel);
  const cfg = await resolveConfig(opts);
  const rules = loadConfiguredRules(cfg, log);
  const source = new FileSource(files);
  const eve = openEve(cfg);
  const pipeline = new Pipeline(pipelineOptions(cfg, eve, { fromFile: true }, rules));
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
  pipeline.finish();
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  pipeline.writeStats();
  pipeline.close();

  const c = pipeline.counts();
  const anomalies = anomalyTotals(pipeline.decodeStats);
  const anomalyCount = Object.values(anomalies).reduce((a, b) => a + b, 0);
  log.debug({ files, eve: cfg.eve.path, anomalies }, 'replay finished');
  process.stderr.write(
    `${[
      `vsids replay: ${files.join(', ')}`,
      `  packets   ${c.packets} (${c.bytes} bytes, ${c.invalid} invalid, ${c.duplicates} mirror duplicates dropped)`,
      `  flows     ${c.flows} (tcp ${c.tcpFlows}, udp ${c.udpFlows}, icmp ${c.icmpFlows}${c.reassembled > 0 ? `; ${c.reassembled} datagrams defragmented` : ''})`,
      c.vlanSplitFlows > 0
        ? `  vlan      ${c.vlanSplitFlows} flows look split: their directions carry different VLAN tags (set flow.vlan-in-key: false to join them)`
        : '',
      `  app       ${listCounts(c.appFlows) || 'none'}`,
      `  txs       ${listCounts(c.transactions) || 'none'}`,
      rulesLine(pipeline, rules),
      `  alerts    ${c.alerts}${c.alerts > 0 ? ` (${topSids(c.alertsBySid)})` : ''}`,
      `  anomalies ${anomalyCount}${anomalyCount > 0 ? ` (${topAnomalies(anomalies)})` : ''}`,
      `  elapsed   ${elapsed.toFixed(3)} s, ${Math.round(c.packets / Math.max(elapsed, 1e-9))} packets/s`,
      `  memory    peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`,
      cfg.eve.path !== undefined ? `  eve       ${cfg.eve.path}` : '',
    ]
      .filter((l) => l !== '')
      .join('\n')}\n`,
  );
  return EXIT_OK;
}

function rulesLine(pipeline: Pipeline, rules: LoadedRules): string {
  const d = pipeline.detect;
  if (d === null) return `  rules     none loaded${rules.rejected > 0 ? ` (${rules.rejected} rejected)` : ''}`;
  const c = d.counters;
  const extra = [
    rules.rejected > 0 ? `${rules.rejected} rejected` : '',
    c.rulesNotPrefiltered > 0 ? `${c.rulesNotPrefiltered} without a prefilter pattern` : '',
    c.pcreFallback > 0 ? `${c.pcreFallback} pcre on the backtracking fallback` : '',
  ].filter((s) => s !== '');
  return `  rules     ${c.rulesLoaded} loaded from ${rules.files.length} files${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`;
}

function topSids(counts: Map<number, number>): string {
  const top = [...counts].sort((a, b) => b[1] - a[1]);
  const shown = top
    .slice(0, 5)
    .map(([sid, n]) => `sid ${sid}: ${n}`)
    .join(', ');
  return top.length > 5 ? `${shown}, ... ${top.length} rules` : shown;
}

function listCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
}

function topAnomalies(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
}
