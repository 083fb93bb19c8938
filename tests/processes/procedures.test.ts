/**
 * The published procedures in processes/: each diagram passes the publish-time checks
 * (validation, quota budget), follows the conventions the runtime reads, carries full
 * diagram interchange for bpmn.io / Camunda Modeler, and has a dossier-data JSON Schema.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { ModdleElement } from 'bpmn-moddle';
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/calendar/index.js';
import { checkQuotas } from '../../src/deadlines/quota-check.js';
import { statutorySpec } from '../../src/deadlines/time-unit.js';
import { isValidDuration } from '../../src/deadlines/timer-durations.js';
import { readProperties } from '../../src/engine/catalog.js';
import { createModdle } from '../../src/engine/moddle.js';
import { validateDiagram, type ValidOutcome } from '../../src/engine/validation/index.js';
import { parseUnitSeed } from '../../src/org/seed.js';
import { EXAMPLES } from '../fixtures/dossier-examples.js';

const processesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../processes');
const MINUTES_PER_DAY = 450;
const PLUGINS = new Set(['notify-applicant', 'notify-supervisor']);
const ROLES = ['desk-officer', 'specialist', 'leader'];
const MESSAGE_NAMES = ['supplement', 'payment', 'transfer-result'];
const WAIT_STATUS: Record<string, string> = { supplement: '5', payment: '6' };

const read = (file: string) => readFileSync(path.join(processesDir, file), 'utf8');
const keys = readdirSync(processesDir)
  .filter((f) => f.endsWith('.bpmn'))
  .map((f) => f.replace(/\.bpmn$/, ''))
  .sort();

interface Units {
  units: { id: string; code: string; name: string; kind: string; parentId: string | null }[];
}
const units = JSON.parse(read('units.json')) as Units;
const unitIds = new Set(units.units.map((u) => u.id));

/** Longest path of quotas in working minutes, from docs/procedures.md (loops counted once). */
const LONGEST_PATH: Record<string, number> = {
  'birth-registration': 30 + 180 + 120 + 60,
  'certified-copy': 30 + 60 + 180 + 60 + 30,
  'household-business-registration': (0.5 + 1.5 + 0.5 + 0.5) * MINUTES_PER_DAY,
  'building-permit': (0.5 + 6 + 2 + 1 + 0.5) * MINUTES_PER_DAY,
  'social-allowance': (0.5 + 3 + 3 + 3 + 0.5) * MINUTES_PER_DAY,
  // birth part (30 + 240 + 180) + the longer of the two parallel parts (1 day + 6.5 h) + return
  'birth-residence-insurance': 30 + 240 + 180 + (MINUTES_PER_DAY + 390) + 60,
  // The same group as a parent calling three children (section 7): receipt + the calls' quotas + return;
  // each child fits its own statutory time.
  'birth-residence-insurance-linked': 30 + 420 + 840 + 60,
  'linked-birth-registration': 240 + 180,
  'linked-permanent-residence': MINUTES_PER_DAY + 390,
  'linked-health-insurance-card': MINUTES_PER_DAY + 390,
};

/** Procedures whose national code (MaTTHC) could not be confirmed: they carry none (docs/procedures.md). */
const NO_CONFIRMED_CODE = new Set(['birth-residence-insurance', 'birth-residence-insurance-linked', 'linked-permanent-residence', 'linked-health-insurance-card']);
/** Parents whose decisions are taken in the procedures they call: no condition of their own. */
const CALLS_ONLY = new Set(['birth-residence-insurance-linked']);


function validate(xml: string): Promise<ReturnType<typeof validateDiagram> extends Promise<infer T> ? T : never> {
  return validateDiagram(xml, { plugins: PLUGINS, isValidDuration });
}

async function accepted(key: string): Promise<ValidOutcome> {
  const outcome = await validate(read(`${key}.bpmn`));
  if (!outcome.ok) throw new Error(`${key}.bpmn is refused:\n${outcome.problems.map((p) => `${p.code} ${p.elementId ?? ''} ${p.message}`).join('\n')}`);
  return outcome;
}

const elementsOf = (outcome: ValidOutcome) => (outcome.moddleContext as { elementsById: Record<string, ModdleElement> }).elementsById;
const isA = (el: ModdleElement, type: string): boolean => typeof el.$instanceOf === 'function' && el.$instanceOf(type);

function flowElements(outcome: ValidOutcome): ModdleElement[] {
  return (elementsOf(outcome)[outcome.processId]?.flowElements ?? []) as ModdleElement[];
}

/** The identifiers conditions read (a rough FEEL tokenizer is enough for these simple conditions). */
function conditionNames(outcome: ValidOutcome): string[] {
  const names = new Set<string>();
  for (const el of flowElements(outcome)) {
    const body = (el.conditionExpression as { body?: string } | undefined)?.body;
    if (!body) continue;
    for (const word of body.replace(/"[^"]*"/g, '').match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) {
      if (!['and', 'or', 'not', 'true', 'false', 'null'].includes(word)) names.add(word);
    }
  }
  return [...names];
}

describe('processes/', () => {
  it('holds the six procedures, each with its dossier schema', () => {
    expect(keys).toEqual(expect.arrayContaining(Object.keys(LONGEST_PATH)));
    expect(keys.length).toBeGreaterThanOrEqual(6);
    const files = readdirSync(processesDir);
    for (const key of keys) expect(files).toContain(`${key}.schema.json`);
  });
});

describe.each(keys)('%s', (key) => {
  it('is accepted by the publish-time validator, as the process of that key', async () => {
    const outcome = await accepted(key);
    expect(outcome.processId).toBe(key);
    expect(outcome.name).toMatch(/\S/);
    expect((outcome.moddleContext as { warnings: unknown[] }).warnings).toEqual([]);
  });

  it('fits its statutory time on every path (quota check, 450 minutes a day)', async () => {
    const outcome = await accepted(key);
    expect(checkQuotas(elementsOf(outcome), outcome.processId, MINUTES_PER_DAY)).toEqual([]);
  });

  it('spends exactly the documented quotas on its longest path', async () => {
    const longest = LONGEST_PATH[key];
    expect(longest, `add ${key} to LONGEST_PATH`).toBeDefined();
    const xml = read(`${key}.bpmn`);
    const withStatutory = async (text: string) => {
      const changed = xml
        .replace(/(<camunda:property name="statutoryTime" value=")[^"]*(")/, `$1${text}$2`)
        .replace(/<camunda:property name="statutoryTimeUnit"[^>]*\/>/, '');
      const { elementsById } = await createModdle().fromXML(changed);
      return checkQuotas(elementsById as Record<string, unknown>, key, MINUTES_PER_DAY);
    };
    expect(await withStatutory(`${longest} working minutes`)).toEqual([]);
    expect(await withStatutory(`${(longest ?? 0) - 1} working minutes`)).toEqual([
      expect.objectContaining({ code: 'QUOTA_EXCEEDS_STATUTORY_TIME', elementId: key }),
    ]);
  });

  it('declares the process properties the runtime reads', async () => {
    const { summary } = await accepted(key);
    const props = summary.processProperties;
    const { spec, problem } = statutorySpec(props, 'statutoryTime');
    expect(problem).toBeUndefined();
    const statutory = parseDuration(spec ?? '');
    // Calendar days where the law says "N ngày" (building permit), else working time.
    expect(['working-days', 'within-the-day', 'calendar-days']).toContain(statutory.kind);
    expect(statutory.kind === 'calendar-days').toBe(key === 'building-permit');
    if (statutory.kind === 'within-the-day') {
      expect(statutory.cutoff).toBe('15:00');
      expect(props.receiptCutoff).toBe('15:00');
    }
    expect(['restart', 'resume']).toContain(props.clockOnResume);
    if (NO_CONFIRMED_CODE.has(key)) expect(props.procedureCode).toBeUndefined();
    else expect(props.procedureCode).toMatch(/^[1-3]\.\d{6}$/);
    expect(props.resultDocument).toMatch(/\S/);
  });

  it('gives every user task one role, a working-time quota and a known unit', async () => {
    const { summary } = await accepted(key);
    expect(summary.userTasks.length).toBeGreaterThan(0);
    for (const task of summary.userTasks) {
      expect(task.candidateGroups, task.id).toHaveLength(1);
      expect(ROLES, task.id).toContain(task.candidateGroups[0]);
      expect(['working', 'working-days'], task.id).toContain(parseDuration(task.properties.quota ?? '').kind);
      const unit = task.properties.unit ?? 'processing';
      expect(unit === 'receiving' || unit === 'processing' || unitIds.has(unit), `${task.id}: unit '${unit}'`).toBe(true);
    }
  });

  it('waits for the applicant only through the lifecycle messages, pausing the clock with the right portal status', async () => {
    const outcome = await accepted(key);
    expect(MESSAGE_NAMES).toEqual(expect.arrayContaining(outcome.summary.messages.map((m) => m.name)));
    for (const el of flowElements(outcome)) {
      const messageRef = (el.messageRef ?? (el.eventDefinitions as ModdleElement[] | undefined)?.[0]?.messageRef) as ModdleElement | undefined;
      if (!messageRef || el.$type === 'bpmn:BoundaryEvent') continue;
      const name = String(messageRef.name);
      const props = readProperties(el as { extensionElements?: { values?: unknown[] } });
      expect(WAIT_STATUS[name], `${el.id} waits for '${name}'`).toBeDefined();
      expect(props.pausesClock, el.id).toBe('true');
      expect(props.dossierStatus, el.id).toBe(WAIT_STATUS[name]);
    }
  });

  it('has a default flow on every decision and calls only installed plugins', async () => {
    const outcome = await accepted(key);
    for (const el of flowElements(outcome)) {
      if (el.$type === 'bpmn:ExclusiveGateway' && (el.outgoing as unknown[]).length > 1) expect(el.default, el.id).toBeDefined();
    }
    for (const task of outcome.summary.serviceTasks) expect(PLUGINS).toContain(task.topic);
  });

  it('keeps timers in working time, non-interrupting, each leading on to a notification', async () => {
    const outcome = await accepted(key);
    for (const el of flowElements(outcome)) {
      if (el.$type !== 'bpmn:BoundaryEvent') continue;
      // A call activity's error boundary (a child's refusal) is not a timer.
      if ((el.eventDefinitions as ModdleElement[])[0]?.$type === 'bpmn:ErrorEventDefinition') continue;
      const timer = (el.eventDefinitions as ModdleElement[])[0] as ModdleElement;
      const text = (timer.timeDuration as { body: string }).body;
      expect(['working', 'working-days'], el.id).toContain(parseDuration(text).kind);
      expect(el.cancelActivity, el.id).toBe(false);
      const next = ((el.outgoing as ModdleElement[])[0]?.targetRef ?? {}) as ModdleElement;
      expect(next.$type, el.id).toBe('bpmn:ServiceTask');
      expect(next.topic, el.id).toBe('notify-applicant');
    }
  });

  it('carries diagram interchange for every node and flow, consistent with the model', async () => {
    const outcome = await accepted(key);
    const definitions = (outcome.moddleContext as { rootElement: ModdleElement }).rootElement;
    const diagrams = definitions.diagrams as ModdleElement[];
    expect(diagrams).toHaveLength(1);
    const plane = diagrams[0]?.plane as ModdleElement;
    const planeTarget = plane.bpmnElement as ModdleElement;
    if (planeTarget.$type === 'bpmn:Collaboration') {
      const participants = planeTarget.participants as ModdleElement[];
      expect(participants.map((p) => (p.processRef as ModdleElement).id)).toEqual([key]);
    } else {
      expect(planeTarget.id).toBe(key);
    }

    const shapes = new Map<string, ModdleElement>();
    const edges = new Map<string, ModdleElement>();
    for (const di of plane.planeElement as ModdleElement[]) {
      const target = (di.bpmnElement as ModdleElement).id as string;
      if (di.$type === 'bpmndi:BPMNShape') shapes.set(target, di);
      if (di.$type === 'bpmndi:BPMNEdge') edges.set(target, di);
    }

    const nodes = flowElements(outcome).filter((el) => isA(el, 'bpmn:FlowNode'));
    const flows = flowElements(outcome).filter((el) => el.$type === 'bpmn:SequenceFlow');
    for (const node of nodes) expect(shapes.has(node.id as string), `shape of ${node.id}`).toBe(true);
    for (const flow of flows) {
      const edge = edges.get(flow.id as string);
      expect(edge, `edge of ${flow.id}`).toBeDefined();
      const points = (edge?.waypoint ?? []) as { x: number; y: number }[];
      expect(points.length, flow.id).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < points.length; i++) {
        const [a, b] = [points[i - 1], points[i]] as [{ x: number; y: number }, { x: number; y: number }];
        expect(a.x === b.x || a.y === b.y, `${flow.id} segment ${i} is not orthogonal`).toBe(true);
      }
    }

    // <incoming>/<outgoing> as the modeler writes them.
    for (const node of nodes) {
      const inIds = ((node.incoming ?? []) as ModdleElement[]).map((f) => f.id).sort();
      const outIds = ((node.outgoing ?? []) as ModdleElement[]).map((f) => f.id).sort();
      expect(inIds, `incoming of ${node.id}`).toEqual(flows.filter((f) => (f.targetRef as ModdleElement) === node).map((f) => f.id).sort());
      expect(outIds, `outgoing of ${node.id}`).toEqual(flows.filter((f) => (f.sourceRef as ModdleElement) === node).map((f) => f.id).sort());
    }

    // Layout: a left-to-right flow whose shapes do not overlap (boundary events sit on their host).
    const box = (id: string) => shapes.get(id)?.bounds as { x: number; y: number; width: number; height: number };
    const startEvent = nodes.find((n) => n.$type === 'bpmn:StartEvent') as ModdleElement;
    for (const node of nodes) expect(box(node.id as string).x, `${node.id} left of the start`).toBeGreaterThanOrEqual(box(startEvent.id as string).x);
    const placed = nodes.filter((n) => n.$type !== 'bpmn:BoundaryEvent');
    for (let i = 0; i < placed.length; i++) {
      for (let j = i + 1; j < placed.length; j++) {
        const [a, b] = [box(placed[i]?.id as string), box(placed[j]?.id as string)];
        const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        expect(apart, `${placed[i]?.id} overlaps ${placed[j]?.id}`).toBe(true);
      }
    }

    // Lanes, when drawn, hold every node and have shapes.
    const laneSets = (elementsOf(outcome)[key]?.laneSets ?? []) as ModdleElement[];
    const lanes = laneSets.flatMap((s) => (s.lanes ?? []) as ModdleElement[]);
    if (lanes.length > 0) {
      for (const lane of lanes) expect(shapes.has(lane.id as string), `shape of ${lane.id}`).toBe(true);
      const inLanes = new Set(lanes.flatMap((l) => ((l.flowNodeRef ?? []) as ModdleElement[]).map((n) => n.id)));
      for (const node of nodes) expect(inLanes.has(node.id), `${node.id} in a lane`).toBe(true);
    }
  });

  describe('dossier schema', () => {
    const schema = JSON.parse(read(`${key}.schema.json`)) as Record<string, unknown>;
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
    addFormats.default(ajv);

    it('is draft 2020-12 with the procedure URN, closed at the top, titled in Vietnamese', () => {
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.$id).toBe(`urn:procedure:${key}`);
      expect(schema.type).toBe('object');
      expect(schema.additionalProperties).toBe(false);
      expect((schema.required as string[]).length).toBeGreaterThan(0);
      expect(schema.title).toMatch(/[ăâđêôơưàảãáạèẻẽéẹìỉĩíịòỏõóọùủũúụỳỷỹýỵ]/i);
      for (const [name, property] of Object.entries(schema.properties as Record<string, { title?: string }>)) {
        expect(property.title, `${name} has a title`).toMatch(/\S/);
      }
    });

    it('compiles strictly, accepts the example and rejects broken dossiers', () => {
      const check = ajv.compile(schema);
      const example = EXAMPLES[key];
      expect(example, `add an example for ${key}`).toBeDefined();
      expect(check(example?.valid), JSON.stringify(check.errors)).toBe(true);
      for (const broken of example?.broken ?? []) expect(check(broken), JSON.stringify(broken)).toBe(false);
    });

    it('does not use the names that task data and conditions use', async () => {
      const names = conditionNames(await accepted(key));
      if (!CALLS_ONLY.has(key)) expect(names.length).toBeGreaterThan(0);
      for (const name of [...names, 'missing', 'reason', 'result', 'note', 'applicant']) {
        expect(Object.keys(schema.properties as object), name).not.toContain(name);
      }
    });
  });
});

describe('processes/units.json', () => {
  it('is a valid seed: unique ids and codes, parents present, one province', () => {
    const ordered = parseUnitSeed(read('units.json'));
    expect(ordered).toHaveLength(units.units.length);
    expect(new Set(units.units.map((u) => u.id)).size).toBe(units.units.length);
    for (const unit of units.units) {
      if (unit.parentId !== null) expect(unitIds.has(unit.parentId), `${unit.id} → ${unit.parentId}`).toBe(true);
      expect(unit.code).toMatch(/^000\.00\.\d{2}\.H99$/);
    }
    expect(units.units.filter((u) => u.kind === 'province').map((u) => u.id)).toEqual(['tinh-mau']);
    expect(units.units.filter((u) => u.kind === 'commune').length).toBeGreaterThanOrEqual(3);
  });

  it('names every unit a procedure sends a task to (the social allowance stays at the commune)', async () => {
    for (const key of keys) {
      const { summary } = await accepted(key);
      const foreign = summary.userTasks.map((t) => t.properties.unit).filter((u) => u && u !== 'receiving' && u !== 'processing');
      for (const unit of foreign) expect(unitIds.has(unit as string), `${key}: ${unit}`).toBe(true);
      if (key === 'social-allowance') expect(foreign).toEqual([]);
    }
  });
});
