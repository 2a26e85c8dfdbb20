import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { baseName, isContextFile, isPromptFile, isYaml, listFiles } from '../../../src/parse/discover.js';
import { projectFrom, removeTempProjects } from '../../support/fixture-projects.js';

afterAll(removeTempProjects);

describe('listFiles', () => {
  it('lists files under several folders, sorted, with forward slashes; folders, hidden files and hidden folders are not listed', () => {
    const dir = projectFrom({
      'context/style.md': 'a',
      'context/style/notes.txt': 'b',
      'context/.draft.md': 'c',
      'context/.history/old.md': 'd',
      'more/glossary.md': 'e',
      'context/backup.md~': 'f',
    });
    mkdirSync(join(dir, 'context/empty_folder.md'));
    expect(listFiles(dir, ['context', 'more', 'missing'], isContextFile)).toEqual(['context/style.md', 'context/style/notes.txt', 'more/glossary.md']);
  });

  it('follows symlinks to files, skips dangling ones', () => {
    const dir = projectFrom({ 'shared/real.yml': 'models: []\n', 'models/.keep': '' });
    symlinkSync(join(dir, 'shared/real.yml'), join(dir, 'models/linked.yml'));
    symlinkSync(join(dir, 'shared/nothing.yml'), join(dir, 'models/dangling.yml'));
    expect(listFiles(dir, ['models'], isYaml)).toEqual(['models/linked.yml']);
  });

  it('a path listed twice (overlapping folders) appears once', () => {
    const dir = projectFrom({ 'prompts/a.njk': 'x' });
    writeFileSync(join(dir, 'prompts/b.txt'), 'y');
    expect(listFiles(dir, ['prompts', 'prompts/'], isPromptFile)).toEqual(['prompts/a.njk', 'prompts/b.txt']);
  });
});

describe('file kinds and names', () => {
  it('recognizes YAML and prompt files', () => {
    expect(['a.yml', 'a.yaml', 'a.json'].map(isYaml)).toEqual([true, true, false]);
    expect(['a.njk', 'a.jinja', 'a.j2', 'a.txt', 'a.md', 'a.prompt', 'a.sql'].map(isPromptFile)).toEqual([true, true, true, true, true, true, false]);
  });

  it('a context name is the file name up to its first dot', () => {
    expect(baseName('context/product_taxonomy.md')).toBe('product_taxonomy');
    expect(baseName('context/a/b.v2.txt')).toBe('b');
    expect(baseName('context/README')).toBe('README');
  });
});
