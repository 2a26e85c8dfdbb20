import { describe, expect, it } from 'vitest';
import { distVerdict } from '../../support/needs-dist.js';

const nothingBuilt = () => false;
const allBuilt = () => true;

describe('distVerdict', () => {
  it('fails, naming the missing files and the fix, when CI is set and dist/ is missing', () => {
    expect(distVerdict(['llm/index.js'], { CI: 'true' }, nothingBuilt)).toEqual({
      action: 'fail',
      message: 'dist/ missing (dist/llm/index.js): run npm run build',
    });
  });

  it('skips outside CI when dist/ is missing', () => {
    expect(distVerdict(['llm/index.js'], {}, nothingBuilt)).toMatchObject({ action: 'skip' });
  });

  it('runs when every file it needs is built, in CI or not', () => {
    expect(distVerdict(['llm/index.js'], { CI: 'true' }, allBuilt)).toEqual({ action: 'run' });
    expect(distVerdict(['llm/index.js'], {}, allBuilt)).toEqual({ action: 'run' });
  });

  it('checks every file, not only the first', () => {
    const onlyFirst = (file: string) => file.endsWith('a.js');
    expect(distVerdict(['a.js', 'b.js'], { CI: '1' }, onlyFirst)).toMatchObject({ action: 'fail', message: expect.stringContaining('dist/b.js') });
  });
});
