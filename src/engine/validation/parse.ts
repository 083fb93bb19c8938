import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ModdleElement, ParseResult, ParseWarning } from 'bpmn-moddle';
import { camundaDescriptor, createModdle } from '../moddle.js';
import type { Problem } from './index.js';

/*
 * bpmn-moddle parses synchronously, and every "unparsable content" warning makes its XML
 * reader count lines from the start of the document: n such warnings in a document of
 * s characters cost about n·s ns (116 000 unknown elements in 2 MiB: ~4 minutes).
 * A document whose markup count × size could exceed COST_BUDGET is therefore parsed first
 * in a worker thread with a deadline; it is parsed here only if that probe finishes and
 * found at most PROBE_MAX_WARNINGS warnings (so the second parse is cheap).
 */
export const COST_BUDGET = 1e9;
export const PROBE_TIMEOUT_MS = 4000;
const PROBE_MAX_WARNINGS = 20;
const MAX_REPORTED_WARNINGS = 200;

export type ParseOutcome =
  | { kind: 'parsed'; result: ParseResult; problems: Problem[] }
  | { kind: 'rejected'; problems: Problem[] };

export async function parseDiagram(xml: string, markupCount: number): Promise<ParseOutcome> {
  if (markupCount * xml.length > COST_BUDGET) {
    const probe = await probeInWorker(xml);
    if (probe.kind === 'timeout') {
      return reject('XML_TOO_LARGE', `the document could not be read within ${PROBE_TIMEOUT_MS / 1000} s; it is too large or too irregular`);
    }
    if (probe.kind === 'failed') {
      return reject('XML_TOO_LARGE', `the document could not be read: ${probe.message}`);
    }
    if (probe.kind === 'threw') return reject('XML_MALFORMED', malformedMessage(probe.message));
    if (probe.count > PROBE_MAX_WARNINGS) {
      const lines = new LineIndex(xml);
      return { kind: 'rejected', problems: probe.warnings.map((w) => warningProblem(w.message, w.elementId, xml, lines)) };
    }
  }

  let result: ParseResult;
  try {
    result = await createModdle().fromXML(xml);
  } catch (error) {
    return reject('XML_MALFORMED', malformedMessage(error instanceof Error ? error.message : String(error)));
  }
  if (!result || typeof result !== 'object' || !result.rootElement) {
    return reject('XML_MALFORMED', 'the document is not a BPMN 2.0 <definitions> document');
  }
  const lines = new LineIndex(xml);
  const warnings = Array.isArray(result.warnings) ? result.warnings.slice(0, MAX_REPORTED_WARNINGS) : [];
  const problems = warnings.map((w: ParseWarning) => warningProblem(String(w.message), idOf(w.element), xml, lines));
  return { kind: 'parsed', result, problems };
}

function reject(code: string, message: string): ParseOutcome {
  return { kind: 'rejected', problems: [{ code, message }] };
}

function malformedMessage(raw: string): string {
  return `the document is not well-formed BPMN 2.0 XML: ${humanize(raw)}`;
}

/** The id of the element, or of its nearest ancestor that has one. */
export function idOf(element: ModdleElement | undefined): string | undefined {
  let current: ModdleElement | undefined = element;
  for (let hops = 0; current && hops < 100; hops += 1) {
    if (typeof current.id === 'string' && current.id !== '') return current.id;
    current = current.$parent;
  }
  return undefined;
}

const POSITION = /\n\s*line: (\d+)\n\s*column: (\d+)\n\s*nested error: ([^]*)$/;

function warningProblem(raw: string, elementId: string | undefined, xml: string, lines: LineIndex): Problem {
  const position = POSITION.exec(raw);
  if (!position) {
    const hint = raw.startsWith('unsupported document encoding') ? '; save the diagram as UTF-8' : '';
    return problem(`${raw}${hint}`, elementId);
  }
  const line = Number(position[1]);
  const column = Number(position[2]);
  const nested = (position[3] ?? '').trim();
  const head = raw.slice(0, position.index).trim();
  const id = elementId ?? idAt(xml, lines.offset(line, column)) ?? /duplicate ID <([^>]*)>/.exec(nested)?.[1];
  return problem(`${head} (line ${line + 1}, column ${column + 1}): ${nested}`, id);
}

function problem(message: string, elementId: string | undefined): Problem {
  const p: Problem = { code: 'MODDLE_WARNING', message: message.slice(0, 500) };
  if (elementId !== undefined) p.elementId = elementId;
  return p;
}

function humanize(raw: string): string {
  const position = POSITION.exec(raw);
  if (!position) return raw.slice(0, 500);
  const head = raw.slice(0, position.index).trim();
  return `${head} (line ${Number(position[1]) + 1}, column ${Number(position[2]) + 1}): ${(position[3] ?? '').trim()}`.slice(0, 500);
}

/** The id attribute of the tag that starts at `offset`, if any. */
function idAt(xml: string, offset: number | undefined): string | undefined {
  if (offset === undefined || xml.charCodeAt(offset) !== 0x3c /* < */) return undefined;
  const end = xml.indexOf('>', offset);
  const tag = xml.slice(offset, end === -1 ? offset + 2000 : Math.min(end, offset + 2000));
  return /\sid\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(tag)?.slice(1).find((v) => v !== undefined);
}

/** Line starts as saxen counts them (\r\n, \r, \n), built once per document. */
class LineIndex {
  private starts: number[] | undefined;
  constructor(private readonly xml: string) {}

  offset(line: number, column: number): number | undefined {
    if (!this.starts) {
      const starts = [0];
      const breaks = /\r\n|\r|\n/g;
      for (let m = breaks.exec(this.xml); m; m = breaks.exec(this.xml)) starts.push(m.index + m[0].length);
      this.starts = starts;
    }
    const start = this.starts[line];
    return start === undefined ? undefined : start + column;
  }
}

type ProbeResult =
  | { kind: 'done'; count: number; warnings: { message: string; elementId?: string }[] }
  | { kind: 'threw'; message: string }
  | { kind: 'timeout' }
  | { kind: 'failed'; message: string };

/* Plain CommonJS evaluated in a worker: parses with bpmn-moddle and reports the warnings. */
const PROBE_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
function idOf(element) {
  for (let hops = 0; element && hops < 100; hops += 1) {
    if (typeof element.id === 'string' && element.id !== '') return element.id;
    element = element.$parent;
  }
  return undefined;
}
import(workerData.moddleUrl).then(async ({ BpmnModdle }) => {
  const moddle = new BpmnModdle({ camunda: workerData.camunda });
  try {
    const result = await moddle.fromXML(workerData.xml);
    const warnings = result.warnings.slice(0, ${MAX_REPORTED_WARNINGS}).map((w) => ({ message: String(w.message), elementId: idOf(w.element) }));
    parentPort.postMessage({ kind: 'done', count: result.warnings.length, warnings });
  } catch (error) {
    parentPort.postMessage({ kind: 'threw', message: String(error && error.message || error) });
  }
}).catch((error) => parentPort.postMessage({ kind: 'failed', message: String(error && error.message || error) }));
`;

let moddleUrl: string | undefined;

function probeInWorker(xml: string): Promise<ProbeResult> {
  return new Promise<ProbeResult>((resolve) => {
    let settled = false;
    let worker: Worker | undefined;
    const finish = (result: ProbeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker?.terminate().catch(() => undefined);
      resolve(result);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout' }), PROBE_TIMEOUT_MS);
    try {
      moddleUrl ??= pathToFileURL(createRequire(import.meta.url).resolve('bpmn-moddle')).href;
      worker = new Worker(PROBE_SOURCE, {
        eval: true,
        workerData: { xml, camunda: camundaDescriptor, moddleUrl },
        resourceLimits: { maxOldGenerationSizeMb: 512 },
        stdout: true,
        stderr: true,
      });
      worker.on('message', (message: ProbeResult) => finish(message));
      worker.on('error', (error: Error) => finish({ kind: 'failed', message: error.message }));
      worker.on('exit', (code) => finish({ kind: 'failed', message: `the reader stopped (exit code ${code})` }));
    } catch (error) {
      finish({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  });
}
