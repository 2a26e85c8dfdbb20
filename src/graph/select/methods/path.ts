import type { ManifestNode } from '../../../contracts/manifest.js';
import { globMatcher, hasGlob } from '../glob.js';
import { idsWhere, type SelectorMethod } from './types.js';

/**
 * `path:models/staging`, `path:models/reviews.yml`, `path:models/**\/*.yml`: a project-relative file or folder,
 * glob allowed (`*` stays within a folder, `**` crosses folders). A node matches through the file that defines
 * it and, as a Loom extension, through every file it reads: its prompt template and the templates that one
 * includes, its context files, and the data file a source reads or a destination writes. So
 * `path:prompts/classify.njk` selects the llm models that use that prompt.
 */
export const pathMethod: SelectorMethod = {
  name: 'path',
  usage: 'path',
  takesArguments: false,
  search(context, value) {
    const selector = normalizePath(value);
    // `path:.` is the project folder itself: every node.
    if (selector === '') return idsWhere(context.nodes, () => true);
    if (!hasGlob(selector)) {
      const folder = `${selector}/`;
      return idsWhere(context.nodes, (node) =>
        filesOf(node).some((file) => file === selector || file.startsWith(folder)),
      );
    }
    const matches = globMatcher(selector, { path: true });
    return idsWhere(context.nodes, (node) => filesOf(node).some((file) => selfAndFolders(file).some(matches)));
  },
  candidates(nodes) {
    return new Set(nodes.flatMap((node) => filesOf(node).flatMap(selfAndFolders)));
  },
};

/** Forward slashes, no leading `./`, no trailing `/`. */
export function normalizePath(path: string): string {
  let normalized = path.replace(/\\/g, '/').replace(/\/{2,}/g, '/');
  while (normalized.startsWith('./')) normalized = normalized.slice(2);
  if (normalized === '.') return '';
  return normalized.replace(/\/+$/, '');
}

/** Every project file the node is defined in or reads. */
function filesOf(node: ManifestNode): string[] {
  const files = [node.original_file_path];
  if (node.patch_path) files.push(node.patch_path); // as dbt: the YAML file documenting a .sql model
  if (node.prompt) {
    files.push(node.prompt.path, ...node.prompt.includes);
    if (node.prompt.system) files.push(node.prompt.system.path);
  }
  for (const context of node.contexts) files.push(context.path);
  if (node.location && !node.location.path.includes('://')) files.push(node.location.path);
  return files.filter((file) => file !== '').map(normalizePath);
}

/** `models/a/b.yml` → itself, `models/a`, `models`: a glob naming a folder selects what is inside it. */
function selfAndFolders(file: string): string[] {
  const paths = [file];
  for (let slash = file.lastIndexOf('/'); slash > 0; slash = file.lastIndexOf('/', slash - 1)) {
    paths.push(file.slice(0, slash));
  }
  return paths;
}
