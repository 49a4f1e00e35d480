// The `vsids` command line (design/CLI.md). Every error is one line on stderr and a
// non-zero exit: 2 for a usage mistake, 1 for bad input (capture, config), 70 for a bug.

import { Command, CommanderError } from 'commander';
import { CaptureError } from '../capture/source.js';
import { ConfigError } from '../config.js';
import { RuleFileError } from '../detect/rules/loader.js';
import { EXIT_ERROR, EXIT_OK, EXIT_USAGE, UsageError } from './common.js';
import { decodeCommand } from './decode.js';
import { replayCommand } from './replay.js';
import { registerRulesCommand } from './rules.js';
import { runCommand } from './run.js';

function buildProgram(setCode: (code: number) => void): Command {
  const program = new Command('vsids')
    .description('virtual-switch traffic monitoring and intrusion detection')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({
      outputError: (str, write) => write(`vsids: ${str.replace(/^error: /, '').trimEnd()}\n`),
    })
    .showSuggestionAfterError(true);

  const eveOptions = (cmd: Command): Command =>
    cmd
      .option('-c, --config <file>', 'YAML config file; command-line options override it')
      .option('-l, --eve <path>', 'write EVE JSON lines to PATH ("-" for stdout)')
      .option(
        '--eve-types <list>',
        'event types to write: alert,anomaly,flow,stats (default) and http,dns,tls,ssh,dhcp',
      )
      .option('--dedup', 'drop the second copy of packets the mirror delivers twice (2 ms window)')
      .option('--no-dedup', 'keep both copies of packets the mirror delivers twice (the default)')
      .option(
        '-S, --rules <path>',
        'rule file or directory of *.rules (repeatable); replaces the bundled signatures/',
        (v: string, prev: string[] = []) => [...prev, v],
      )
      .option('--no-default-rules', 'load no bundled rules (only -S)')
      .option('--with-default-rules', 'load the bundled signatures/ as well as -S')
      .option(
        '--var <NAME=VALUE>',
        'rule variable, e.g. --var HOME_NET=[10.0.0.0/8] (repeatable)',
        (v: string, prev: string[] = []) => [...prev, v],
      )
      .option('--sensor-name <name>', 'sensor name written as "host" on every record')
      .option('--log-level <level>', 'pino log level (fatal, error, warn, info, debug, trace, silent)', 'info');

  program
    .command('decode')
    .description('print one JSON line per frame: what the decoder saw')
    .argument('[file]', 'pcap or pcapng file ("-" for stdin)')
    .option('-i, --iface <iface>', 'decode live from an interface instead of a file')
    .option('--bpf <expr>', 'BPF filter for -i')
    .option('--limit <n>', 'stop after N frames')
    .action(async (file: string | undefined, opts) => setCode(await decodeCommand(file, opts)));

  eveOptions(
    program
      .command('replay')
      .description('run pcap/pcapng files through the pipeline at full speed and print a summary')
      .argument('<files...>', 'capture files, merged in timestamp order ("-" for stdin)'),
  ).action(async (files: string[], opts) => setCode(await replayCommand(files, opts)));

  eveOptions(
    program
      .command('run')
      .description('the daemon: capture live from the mirror interface')
      .option('-i, --iface <iface>', 'mirror interface to capture from')
      .option('--bpf <expr>', 'BPF capture filter')
      .option('--snaplen <bytes>', 'capture length per packet (default 65535)')
      .option('--buffer-size <bytes>', 'kernel capture buffer (default 64 MiB)')
      .option('--stats-interval <seconds>', 'seconds between stats records (default 8)'),
  ).action(async (opts) => setCode(await runCommand(opts)));

  registerRulesCommand(program, setCode);

  return program;
}

/** Run the CLI; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  let code = EXIT_OK;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT_USAGE;
    }
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; commander already printed the message.
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`vsids: ${err.message}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof CaptureError || err instanceof ConfigError || err instanceof RuleFileError) {
      process.stderr.write(`vsids: ${err.message}\n`);
      return EXIT_ERROR;
    }
    throw err;
  }
}
