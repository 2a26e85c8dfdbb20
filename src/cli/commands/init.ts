import { cpSync, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../diagnostics/diagnostic.js';
import { out } from '../print.js';

const TEMPLATE_DIR = fileURLToPath(new URL('../../../templates/project/', import.meta.url));

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
  out(`Created Loom project \`${name}\` in ${dir}`);
  out('');
  out(`  cd ${dir}`);
  out('  loom build              # runs offline: placeholder answers, no key, no network');
  out('  loom build --target openai   # real answers: set OPENAI_API_KEY (and OPENAI_BASE_URL for other endpoints)');
  return 0;
}
