/** Files and folders on the command line → the diagrams to publish or check, in a stable order. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CliFailure, EXIT } from './output.js';

const DIAGRAM = /\.bpmn2?$/i;

/** Each folder contributes its `.bpmn` files (not recursively), sorted; files are taken as given. */
export function diagramFiles(paths: string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    if (!existsSync(path)) throw new CliFailure(EXIT.usage, { code: 'FILE_NOT_FOUND', message: `${path}: no such file or folder / không có tệp hoặc thư mục này` });
    if (statSync(path).isDirectory()) {
      const inside = readdirSync(path).filter((f) => DIAGRAM.test(f)).sort();
      if (inside.length === 0) throw new CliFailure(EXIT.usage, { code: 'NO_DIAGRAMS', message: `${path}: no .bpmn file / không có tệp .bpmn` });
      files.push(...inside.map((f) => join(path, f)));
    } else {
      files.push(path);
    }
  }
  return files;
}

/** `x.bpmn` publishes with `x.schema.json` beside it, the dossier data schema (the layout of processes/). */
export function schemaBeside(file: string): object | null {
  const path = file.replace(DIAGRAM, '.schema.json');
  if (path === file || !existsSync(path)) return null;
  return readJson(path) as object;
}

export function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CliFailure(EXIT.usage, { code: 'INVALID_JSON', message: `${path}: ${(err as Error).message}` });
  }
}

/** A `--data` value: inline JSON, or `@file.json`. */
export function jsonArgument(value: string | undefined, what: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown;
  if (value.startsWith('@')) parsed = readJson(value.slice(1));
  else {
    try {
      parsed = JSON.parse(value);
    } catch (err) {
      throw new CliFailure(EXIT.usage, { code: 'INVALID_JSON', message: `${what}: ${(err as Error).message}` });
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new CliFailure(EXIT.usage, { code: 'INVALID_JSON', message: `${what} must be a JSON object / phải là một đối tượng JSON` });
  }
  return parsed as Record<string, unknown>;
}
