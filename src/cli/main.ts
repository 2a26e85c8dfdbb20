import { cac } from 'cac';
import { loomVersion } from '../api/version.js';
import { UsageError, UserError } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { dbtCommandHint } from './dbt-commands.js';
import { checkPositionals, COMMON_FLAGS, keepTypedValues, SELECT_FLAGS, type CommonFlags } from './flags.js';
import { printDiagnostics } from './print.js';

const cli = cac('loom');

type Command = ReturnType<typeof cli.command>;

/** Adds the flags. A `--no-x` flag shows no `(default: true)`: in help that read as "on by default". */
function withFlags(command: Command, ...groups: [string, string][][]): Command {
  for (const group of groups) {
    for (const [raw, description] of group) {
      command.option(raw, description);
      if (raw.startsWith('--no-')) delete command.options[command.options.length - 1].config.default;
    }
  }
  return command;
}

/**
 * The usage help shows. `[...terms]` only collects the extra terms of `-s a b` (checkPositionals refuses the rest),
 * and `init [dir]` is optional to cac only so that a missing directory gets Loom's own message.
 */
function shownAs(command: Command, usage: string): Command {
  command.rawName = usage;
  return command;
}

withFlags(shownAs(cli.command('compile [...terms]', 'Resolve the DAG and write target/manifest.json and target/compiled/'), 'compile'), COMMON_FLAGS, SELECT_FLAGS).action(
  async (terms: string[], flags: CommonFlags) => {
    checkPositionals(terms);
    return (await import('./commands/compile.js')).compileCommand(flags, true);
  },
);
withFlags(cli.command('validate', 'Check the project the way compile does, writing nothing'), COMMON_FLAGS).action(
  async (flags: CommonFlags) => (await import('./commands/compile.js')).compileCommand(flags, false),
);
withFlags(shownAs(cli.command('ls [...terms]', 'List selected nodes').alias('list'), 'ls'), COMMON_FLAGS, SELECT_FLAGS)
  .option('--output <format>', 'selector (default), name, path or json')
  .option('--resource-type <type>', 'Only model, source or destination')
  .action(async (terms: string[], flags) => {
    checkPositionals(terms);
    return (await import('./commands/ls.js')).lsCommand(flags);
  });
shownAs(cli.command('init [dir]', 'Create a new project from the template'), 'init <dir>')
  .action(async (dir: string | undefined) => (await import('./commands/init.js')).initCommand(dir));
cli
  .command('clean', 'Delete target/ (and the warehouse with --warehouse)')
  .option('--project-dir <dir>', 'Project directory')
  .option('--warehouse', 'Also delete the local DuckDB warehouse and journals')
  .action(async (flags) => (await import('./commands/clean.js')).cleanCommand(flags));

const BUILD_FLAGS: [string, string][] = [
  ['--full-refresh', 'Rebuild llm model tables from scratch (answers still come from the cache: use --no-cache to pay again)'],
  ['--no-cache', 'Do not read the LLM cache: every pending row is sent again (answers are still cached)'],
  ['--fail-fast', 'Stop at the first node that fails'],
  ['--threads <n>', 'Nodes run at once (default: threads in loom_project.yml, else 4)'],
];
withFlags(shownAs(cli.command('build [...terms]', 'Run the selected nodes incrementally against the warehouse'), 'build'), COMMON_FLAGS, SELECT_FLAGS, BUILD_FLAGS).action(
  async (terms: string[], flags) => {
    checkPositionals(terms);
    return (await import('./commands/build.js')).buildCommand(flags, 'build');
  },
);
withFlags(cli.command('run <name>', 'Run one pipeline (all its nodes) or one model by name'), COMMON_FLAGS, BUILD_FLAGS).action(
  async (name: string, flags) => (await import('./commands/build.js')).buildCommand({ ...flags, runName: name }, 'run'),
);

withFlags(cli.command('quarantine <action> [model]', 'list: show rows held back by quality gates; retry <model>: ask again for them'), COMMON_FLAGS, SELECT_FLAGS)
  .option('--run <run_id>', 'list: only rows quarantined by this run')
  .option('--ids <keys>', 'retry: only these row keys (comma-separated)')
  .option('--output <format>', 'list: table (default) or json')
  .action(async (action: string, model: string | undefined, flags) => (await import('./commands/quarantine.js')).quarantineCommand(action, model, flags));

cli
  .command('debug', 'Check the project, the target, its endpoint and key, and the warehouse')
  .option('--project-dir <dir>', 'Project directory (default: current directory)')
  .option('--target <name>', 'Target from loom_project.yml (default: default_target)')
  .action(async (flags) => (await import('./commands/debug.js')).debugCommand(flags));

cli.help();
cli.version(loomVersion());

const COMMANDS = ['compile', 'validate', 'ls', 'list', 'init', 'clean', 'build', 'run', 'quarantine', 'debug'];

// `loom ls | head` closes our stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

async function main(): Promise<number> {
  const parsed = cli.parse(process.argv, { run: false });
  if (parsed.options.help || parsed.options.version) return 0;
  if (!cli.matchedCommand) {
    const word = cli.args[0];
    if (word === undefined) {
      cli.outputHelp();
      return 0;
    }
    const hint = dbtCommandHint(String(word));
    if (hint) throw new UsageError(hint);
    throw new UsageError(`unknown command \`${word}\`${didYouMean(String(word), COMMANDS)}; run \`loom --help\` for the list`);
  }
  keepTypedValues(cli.options, [...cli.globalCommand.options, ...cli.matchedCommand.options], process.argv.slice(2));
  const code = (await cli.runMatchedCommand()) as number | undefined;
  return code ?? 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UserError) {
      printDiagnostics(e.diagnostics, () => undefined);
      process.exitCode = 1;
    } else if (e instanceof UsageError || (e as Error)?.name === 'CACError') {
      process.stderr.write(`loom: ${(e as Error).message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`loom: internal error — please report it with the command you ran:\n${(e as Error)?.stack ?? String(e)}\n`);
      process.exitCode = 2;
    }
  },
);
