import { cpSync, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../diagnostics/diagnostic.js';
import { out } from '../print.js';

const TEMPLATE_DIR = fileURLToPath(new URL('../../../templates/project/', import.meta.url));
const SCHEMA_DIR = fileURLToPath(new URL('../../../schemas/', import.meta.url));
const SCHEMA_LINE = /^(# yaml-language-server: \$schema=)(.*\/)?([\w.-]+\.schema\.json)$/m;

/** `loom init <dir>`: a small working project (sources, a sql and an llm model, a prompt, context) from templates/project. */
export async function initCommand(dir: string | undefined): Promise<number> {
  if (!dir) throw new UsageError('loom init needs a directory: loom init my_project');
  const target = resolve(dir);
  if (existsSync(target) && readdirSync(target).length > 0) {
    throw new UsageError(`${dir} already exists and is not empty; loom init only writes into a new or empty directory`);
  }
  const name = basename(target).replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1') || 'loom_project';
  cpSync(TEMPLATE_DIR, target, { recursive: true });
  // npm strips files named .gitignore from packages, so the template ships it as `gitignore`.
  if (existsSync(join(target, 'gitignore'))) renameSync(join(target, 'gitignore'), join(target, '.gitignore'));
  const projectFile = join(target, 'loom_project.yml');
  writeFileSync(projectFile, readFileSync(projectFile, 'utf8').replace(/^name: .*$/m, `name: ${name}`));
  for (const file of [projectFile, ...readdirSync(join(target, 'models')).map((f) => join(target, 'models', f))]) pointSchemaLine(file, target);
  out(`Created Loom project \`${name}\` in ${dir}`);
  out('');
  out(`  cd ${dir}`);
  out('  loom build              # runs offline: placeholder answers, no key, no network');
  out('  loom build --target openai   # real answers: set OPENAI_API_KEY (and OPENAI_BASE_URL for other endpoints)');
  return 0;
}

/**
 * Points a file's `$schema` line at the schemas of the loom running this command: relative when loom is installed
 * inside the project (node_modules/loom), else its absolute path (a global install), so the editor finds it either way.
 */
function pointSchemaLine(file: string, projectDir: string): void {
  const text = readFileSync(file, 'utf8');
  const match = SCHEMA_LINE.exec(text);
  if (!match) return;
  const schema = join(SCHEMA_DIR, match[3]);
  const inside = relative(projectDir, schema);
  const path = inside.startsWith('..') || isAbsolute(inside) ? schema : relative(dirname(file), schema);
  writeFileSync(file, text.replace(SCHEMA_LINE, (_, prefix: string) => `${prefix}${path.split('\\').join('/')}`));
}
