/**
 * One way to turn validation issues into what a caller reads: one `{path, message}` per issue, paths
 * dotted and starting at `prefix` when given (`body.lines.0.quantity`, `location.lat`), and a one-line
 * detail joining them (`path: message; path: message`). Structural, so any zod version's issues fit.
 */
export interface IssueLike {
  path: readonly PropertyKey[];
  message: string;
}

export interface FormattedIssue {
  path: string;
  message: string;
}

export function formatIssues(
  issues: readonly IssueLike[],
  prefix?: string,
): { errors: FormattedIssue[]; detail: string } {
  const errors = issues.map((i) => ({
    path: [...(prefix === undefined ? [] : [prefix]), ...i.path.map(String)].join('.'),
    message: i.message,
  }));
  const detail = errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ');
  return { errors, detail };
}
