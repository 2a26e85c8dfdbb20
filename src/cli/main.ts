import { cac } from 'cac';
import { loomVersion } from '../api/version.js';
import { UsageError, UserError } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { checkPositionals, COMMON_FLAGS, SELECT_FLAGS, type CommonFlags } from './flags.js';
import { printDiagnostics } from './print.js';

const cli = cac('loom');

function withFlags<T extends { option(raw: string, description: string): T }>(command: T, ...groups: [string, string][][]): T {
  for (const group of groups) for (const [raw, description] of group) command.option(raw, description);
  return command;
}

withFlags(cli.command('compile [...terms]', 'Resolve the DAG and write target/manifest.json and target/compiled/'), COMMON_FLAGS, SELECT_FLAGS).action(
  async (terms: string[], flags: CommonFlags) => {
    checkPositionals(terms);
    return (await import('./commands/compile.js')).compileCommand(flags, true);
  },
);
withFlags(cli.command('validate', 'Check the project the way compile does, writing nothing'), COMMON_FLAGS).action(
  async (flags: CommonFlags) => (await import('./commands/compile.js')).compileCommand(flags, false),
);
withFlags(cli.command('ls [...terms]', 'List selected nodes').alias('list'), COMMON_FLAGS, SELECT_FLAGS)
  .option('--output <format>', 'selector (default), name, path or json')
  .option('--resource-type <type>', 'Only model, source or destination')
  .action(async (terms: string[], flags) => {
    checkPositionals(terms);
    return (await import('./commands/ls.js')).lsCommand(flags);
  });
cli
  .command('init [dir]', 'Create a new project from the template')
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
withFlags(cli.command('build [...terms]', 'Run the selected nodes incrementally against the warehouse'), COMMON_FLAGS, SELECT_FLAGS, BUILD_FLAGS).action(
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

cli.help();
cli.version(loomVersion());

const COMMANDS = ['compile', 'validate', 'ls', 'list', 'init', 'clean', 'build', 'run', 'quarantine'];

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
    throw new UsageError(`unknown command \`${word}\`${didYouMean(String(word), COMMANDS)}; run \`loom --help\` for the list`);
  }
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
