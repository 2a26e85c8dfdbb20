import { describe, expect, it } from 'vitest';
import { parseStatus } from '../../../src/state/git.js';

const OID = 'f9476ca97dae4e63ade067012fa92b78982a6848';

describe('parseStatus (git status --porcelain=v2 --branch)', () => {
  it('reads commit and branch of a clean work tree', () => {
    expect(parseStatus(`# branch.oid ${OID}\n# branch.head main\n# branch.upstream origin/main\n# branch.ab +0 -0\n`)).toEqual({ commit: OID, branch: 'main', dirty: false });
  });

  it('is dirty with a changed or an untracked file', () => {
    const head = `# branch.oid ${OID}\n# branch.head feature/x\n`;
    expect(parseStatus(`${head}1 .M N... 100644 100644 100644 ${OID} ${OID} src/a.ts\n`).dirty).toBe(true);
    expect(parseStatus(`${head}? notes.txt\n`)).toEqual({ commit: OID, branch: 'feature/x', dirty: true });
  });

  it('has no commit before the first one and no branch on a detached HEAD', () => {
    expect(parseStatus('# branch.oid (initial)\n# branch.head main\n')).toEqual({ commit: null, branch: 'main', dirty: false });
    expect(parseStatus(`# branch.oid ${OID}\n# branch.head (detached)\n`)).toEqual({ commit: OID, branch: null, dirty: false });
  });
});
