// `vsids run -i IFACE`: the daemon. Captures live from the mirror interface, runs the
// pipeline, writes periodic stats; SIGTERM/SIGINT drain the outputs and exit 0.

import type { PacketSource } from '../capture/source.js';
import { defaultClassifications } from '../detect/rules/classification.js';
import { Pipeline } from '../pipeline.js';
import {
  EXIT_OK,
  makeLogger,
  openEve,
  type PipelineCliOptions,
  parsePositiveInt,
  parsePositiveNumber,
  loadConfiguredRules,
  pipelineOptions,
  resolveConfig,
  UsageError,
} from './common.js';
import { openLive } from './decode.js';

export interface RunOptions extends PipelineCliOptions {
  iface?: string;
  bpf?: string;
  snaplen?: string;
  bufferSize?: string;
  statsInterval?: string;
}

export async function runCommand(opts: RunOptions): Promise<number> {
  const log = await makeLogger(opts.logLevel);
  const cfg = await resolveConfig(opts);
  if (opts.iface !== undefined) cfg.capture.interface = opts.iface;
  if (opts.bpf !== undefined) cfg.capture.bpf = opts.bpf;
  if (opts.snaplen !== undefined) cfg.capture.snaplen = parsePositiveInt(opts.snaplen, '--snaplen');
  if (opts.bufferSize !== undefined) cfg.capture.bufferSize = parsePositiveInt(opts.bufferSize, '--buffer-size');
  if (opts.statsInterval !== undefined) cfg.statsInterval = parsePositiveNumber(opts.statsInterval, '--stats-interval');
  const iface = cfg.capture.interface;
  if (iface === undefined) {
    throw new UsageError('run: no capture interface: give -i IFACE or capture.interface in the config file');
  }

  const source: PacketSource = await openLive(iface, cfg.capture.bpf, cfg.capture.snaplen, cfg.capture.bufferSize);
  const eve = openEve(cfg);
  const rules = loadConfiguredRules(cfg, log);
  const pipeline = new Pipeline(pipelineOptions(cfg, eve, { fromFile: false, iface }, rules));
  log.info({ iface, bpf: cfg.capture.bpf ?? null, eve: cfg.eve.path ?? null }, 'capturing');

  // Periodic stats carry wall-clock time: a live sensor's stats are about now.
  const writeStatsNow = (): void => {
    const now = Date.now();
    pipeline.writeStats(source.stats(), Math.floor(now / 1000), (now % 1000) * 1e6);
    eve?.flush();
  };
  const timer = setInterval(writeStatsNow, cfg.statsInterval * 1000);
  const stop = (signal: string): void => {
    log.info({ signal }, 'stopping: draining outputs');
    source.stop();
  };
  const onTerm = (): void => stop('SIGTERM');
  const onInt = (): void => stop('SIGINT');
  // SIGHUP: reload the rules. A path that cannot be read keeps the rules in force; rules that
  // do not parse are reported and skipped, as at start.
  const onHup = (): void => {
    try {
      const next = loadConfiguredRules(cfg, log);
      const complete = pipeline.replaceRules(next.rules, defaultClassifications());
      log.info({ rules: next.rules.length, rejected: next.rejected }, 'SIGHUP: rules reloaded');
      if (!complete) log.warn('SIGHUP: the new rules read HTTP bodies, which are kept only after a restart');
    } catch (err) {
      log.error({ err: (err as Error).message }, 'SIGHUP: rules not reloaded, the previous ones stay in force');
    }
  };
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  process.on('SIGHUP', onHup);
  try {
    await source.run(pipeline.packet, pipeline.onPacket);
  } finally {
    clearInterval(timer);
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
    process.off('SIGHUP', onHup);
  }
  pipeline.finish();
  writeStatsNow();
  pipeline.close();
  const c = source.stats();
  log.info({ packets: c.packets, kernel_drops: c.kernelDrops, if_drops: c.ifDrops }, 'stopped');
  return EXIT_OK;
}
