/** Builds DMN 1.3 files as Camunda Modeler writes them, for the decision tests. */

export interface TableSpec {
  id?: string;
  name?: string;
  hitPolicy?: string;
  aggregation?: string;
  inputs: { expression: string; typeRef?: string; label?: string }[];
  outputs: { name: string; typeRef?: string; values?: string }[];
  rules: [string[], string[]][];
  requires?: string[];
}

const esc = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function decisionXml(spec: TableSpec): string {
  const id = spec.id ?? 'fee';
  const policy = spec.hitPolicy ? ` hitPolicy="${spec.hitPolicy}"` : '';
  const aggregation = spec.aggregation ? ` aggregation="${spec.aggregation}"` : '';
  const requires = (spec.requires ?? [])
    .map((r, i) => `<informationRequirement id="${id}_ir${i}"><requiredDecision href="#${r}" /></informationRequirement>`)
    .join('');
  const inputs = spec.inputs
    .map((input, i) => `<input id="${id}_in${i}" label="${input.label ?? input.expression}"><inputExpression id="${id}_ie${i}" typeRef="${input.typeRef ?? 'string'}"><text>${esc(input.expression)}</text></inputExpression></input>`)
    .join('');
  const outputs = spec.outputs
    .map((output, i) => {
      const values = output.values ? `<outputValues id="${id}_ov${i}"><text>${esc(output.values)}</text></outputValues>` : '';
      return `<output id="${id}_out${i}" name="${output.name}" typeRef="${output.typeRef ?? 'string'}">${values}</output>`;
    })
    .join('');
  const rules = spec.rules
    .map(([ins, outs], r) => {
      const cells = ins.map((text, i) => `<inputEntry id="${id}_r${r}_i${i}"><text>${esc(text)}</text></inputEntry>`).join('');
      const results = outs.map((text, i) => `<outputEntry id="${id}_r${r}_o${i}"><text>${esc(text)}</text></outputEntry>`).join('');
      return `<rule id="${id}_r${r}">${cells}${results}</rule>`;
    })
    .join('');
  return `<decision id="${id}" name="${spec.name ?? id}">${requires}<decisionTable id="${id}_table"${policy}${aggregation}>${inputs}${outputs}${rules}</decisionTable></decision>`;
}

export function dmn(...tables: TableSpec[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="defs_${tables[0]?.id ?? 'fee'}" name="Test decisions" namespace="http://camunda.org/schema/1.0/dmn">
${tables.map(decisionXml).join('\n')}
</definitions>`;
}

/** A Camunda 7 procedure: start → business rule task → user task reading the result → end. */
export function camunda7Procedure(key: string, task: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs_${key}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${key}" name="Decision test ${key}" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    ${task}
    <bpmn:userTask id="Collect" name="Thu lệ phí" camunda:candidateGroups="desk-officer"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="End"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Fee" />
    <bpmn:sequenceFlow id="f2" sourceRef="Fee" targetRef="Collect" />
    <bpmn:sequenceFlow id="f3" sourceRef="Collect" targetRef="End" />
  </bpmn:process>
</bpmn:definitions>`;
}

export const c7Task = (attributes: string): string =>
  `<bpmn:businessRuleTask id="Fee" name="Tính lệ phí" ${attributes}><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:businessRuleTask>`;

/** The same shape as Camunda Modeler writes it in Camunda 8 mode. */
export function zeebeProcedure(key: string, decisionId: string, resultVariable: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="defs_${key}" targetNamespace="http://bpmn.io/schema/bpmn" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.6.0">
  <bpmn:process id="${key}" name="Decision test ${key}" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:businessRuleTask id="Fee" name="Tính lệ phí">
      <bpmn:extensionElements><zeebe:calledDecision decisionId="${decisionId}" resultVariable="${resultVariable}" /></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:userTask id="Collect" name="Thu lệ phí">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="desk-officer" /></bpmn:extensionElements>
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="End"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Fee" />
    <bpmn:sequenceFlow id="f2" sourceRef="Fee" targetRef="Collect" />
    <bpmn:sequenceFlow id="f3" sourceRef="Collect" targetRef="End" />
  </bpmn:process>
</bpmn:definitions>`;
}
