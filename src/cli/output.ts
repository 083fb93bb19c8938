/**
 * What the CLI prints and how it ends. `--json`: one JSON document on stdout (errors too,
 * as the service's `{error: {code, message, details}}`). Otherwise lines for people.
 * Exit status: 0 done, 1 refused (a coded error from the service, a diagram that does not
 * validate), 2 usage or configuration, 3 the service could not be reached.
 */
import { t, type Lang } from './messages.js';

export const EXIT = { ok: 0, refused: 1, usage: 2, unreachable: 3 } as const;

export interface CodedError {
  code: string;
  message: string;
  details?: unknown;
}

/** Ends a command with a status; carries what to print. */
export class CliFailure extends Error {
  constructor(
    readonly exitCode: number,
    readonly error: CodedError,
    /** HTTP status, when the service answered. */
    readonly status?: number,
  ) {
    super(error.message);
  }
}

export interface Output {
  json: boolean;
  lang: Lang;
  out: (text: string) => void;
  err: (text: string) => void;
}

export function printJson(o: Output, value: unknown): void {
  o.out(JSON.stringify(value, null, 2));
}

interface Problem {
  code?: string;
  message?: string;
  elementId?: string;
}

/** A diagram's problems, one line each, element first: what the analyst selects in the modeler. */
export function problemLines(details: unknown): string[] {
  const problems = (details as { problems?: unknown } | undefined)?.problems;
  if (!Array.isArray(problems)) return [];
  return (problems as Problem[]).map((p) => `  - ${p.elementId ? `${p.elementId}: ` : ''}[${p.code ?? '?'}] ${p.message ?? ''}`);
}

export function printFailure(o: Output, failure: CliFailure): void {
  if (o.json) {
    printJson(o, { error: failure.error, ...(failure.status ? { status: failure.status } : {}) });
    return;
  }
  o.err(`${failure.error.code}${failure.status ? ` (${failure.status})` : ''}: ${failure.error.message}`);
  for (const line of problemLines(failure.error.details)) o.err(line);
}

/** Rows as aligned columns; an empty list says so. */
/** `page`: a cursor-paged listing's nextCursor, printed as the flag that fetches the next page. */
export function printTable(o: Output, columns: string[], rows: (string | number | null | undefined)[][], total?: number, page?: { nextCursor?: string | null }): void {
  if (rows.length === 0) {
    o.out(t(o.lang, 'empty'));
    return;
  }
  const cells = [columns, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : String(c))))];
  const widths = columns.map((_c, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  for (const row of cells) o.out(row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  '));
  if (total !== undefined && total > rows.length) o.out(`${t(o.lang, 'total')}: ${total}`);
  if (page?.nextCursor) o.out(t(o.lang, 'nextPage', { cursor: page.nextCursor }));
}
