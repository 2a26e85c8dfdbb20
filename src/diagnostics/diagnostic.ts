/** A problem found in the user's project, carried as data from the stage that found it to the printer. */
export type Severity = 'error' | 'warning';

export interface SourceLocation {
  /** Path relative to the project directory, with forward slashes. */
  file: string;
  /** 1-based line and column. */
  line: number;
  col: number;
  /** Optional end of the span (1-based, inclusive line, exclusive col); used to underline the code frame. */
  endLine?: number;
  endCol?: number;
}

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  /** Where the problem is; absent for project-wide problems (e.g. no loom_project.yml). */
  location?: SourceLocation;
  /** Extra lines printed under the code frame, e.g. the files of each edge of a cycle. */
  notes?: string[];
}

export function error(code: string, message: string, location?: SourceLocation, notes?: string[]): Diagnostic {
  return { code, severity: 'error', message, location, notes };
}

export function warning(code: string, message: string, location?: SourceLocation, notes?: string[]): Diagnostic {
  return { code, severity: 'warning', message, location, notes };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Order diagnostics by file, then position, so output is stable whatever order stages ran in. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => {
    const fa = a.location?.file ?? '';
    const fb = b.location?.file ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    const la = a.location?.line ?? 0;
    const lb = b.location?.line ?? 0;
    if (la !== lb) return la - lb;
    return (a.location?.col ?? 0) - (b.location?.col ?? 0);
  });
}

/**
 * A user mistake discovered outside parse/link (for instance at run time), thrown to the CLI's single catch,
 * which prints its diagnostics and exits 1 without a stack trace.
 */
export class UserError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic | Diagnostic[]) {
    const list = Array.isArray(diagnostics) ? diagnostics : [diagnostics];
    super(list.map((d) => `${d.code}: ${d.message}`).join('\n'));
    this.name = 'UserError';
    this.diagnostics = list;
  }
}

/** A mistake in how loom was invoked (unknown flag value, bad --vars JSON): exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
