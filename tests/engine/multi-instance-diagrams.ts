/*
 * Multi-instance diagrams as Camunda Modeler exports them (Camunda 7 and Camunda 8 modes):
 *   start ─▶ [opinion ×N] ─▶ summary ─▶ end
 * "Lấy ý kiến các sở, ngành": one task per department of the dossier's list, each for that
 * department's group, each opinion collected in list order into `opinions`.
 */
export type Mode = 'c7' | 'c8';

const ns: Record<Mode, string> = {
  c7: 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"',
  c8: 'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" modeler:executionPlatform="Camunda Cloud"',
};

export interface LoopOptions {
  sequential?: boolean;
  /** FEEL, without the leading `=` (added in Camunda 8 mode). */
  completion?: string;
  /** Loop cardinality instead of a collection. */
  cardinality?: string;
  /** The host: a user task (default), a plugin task, or a sub-process with one user task inside. */
  host?: 'user' | 'service' | 'sub';
  plugin?: string;
  /** The element variable (default `dept`). */
  element?: string;
  /** Each instance's unit from its item (extension property `unit`). */
  unit?: boolean;
}

const f = (id: string, from: string, to: string) => `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}"/>`;

function loop(mode: Mode, o: LoopOptions): string {
  const seq = o.sequential ? ' isSequential="true"' : '';
  const completion = o.completion
    ? `<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">${mode === 'c8' ? '=' : ''}${o.completion}</bpmn:completionCondition>`
    : '';
  const output = o.host === 'sub' ? '' : ` outputCollection="opinions" outputElement="=${o.host === 'service' ? 'echoed' : 'opinion'}"`;
  const element = o.element ?? 'dept';
  if (o.cardinality) {
    return `<bpmn:multiInstanceLoopCharacteristics${seq}><bpmn:loopCardinality xsi:type="bpmn:tFormalExpression">${o.cardinality}</bpmn:loopCardinality>${completion}</bpmn:multiInstanceLoopCharacteristics>`;
  }
  if (mode === 'c7') {
    return `<bpmn:multiInstanceLoopCharacteristics${seq} camunda:collection="\${departments}" camunda:elementVariable="${element}">${completion}</bpmn:multiInstanceLoopCharacteristics>`;
  }
  return `<bpmn:multiInstanceLoopCharacteristics${seq}><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=departments" inputElement="${element}"${output}/></bpmn:extensionElements>${completion}</bpmn:multiInstanceLoopCharacteristics>`;
}

function opinionTask(mode: Mode, o: LoopOptions): string {
  const c7Unit = o.unit ? '<camunda:property name="unit" value="${dept}"/>' : '';
  const c7Output =
    o.host === 'sub' || o.cardinality
      ? ''
      : `<camunda:properties><camunda:property name="outputCollection" value="opinions"/><camunda:property name="outputElement" value="${o.host === 'service' ? 'echoed' : 'opinion'}"/>${c7Unit}</camunda:properties>`;
  const c8Unit = o.unit ? '<zeebe:properties><zeebe:property name="unit" value="=dept"/></zeebe:properties>' : '';
  const groups = o.cardinality ? 'tham-dinh' : mode === 'c7' ? '${dept}' : '=dept';
  if (o.host === 'service') {
    const definition = mode === 'c7' ? `camunda:type="external" camunda:topic="${o.plugin ?? 'echo'}"` : '';
    const ext =
      mode === 'c7'
        ? c7Output && `<bpmn:extensionElements>${c7Output}</bpmn:extensionElements>`
        : `<bpmn:extensionElements><zeebe:taskDefinition type="${o.plugin ?? 'echo'}"/></bpmn:extensionElements>`;
    return `<bpmn:serviceTask id="opinion" name="Gửi lấy ý kiến" ${definition}>${ext}${loop(mode, o)}</bpmn:serviceTask>`;
  }
  const user = (id: string, withOutput: boolean) =>
    mode === 'c7'
      ? `<bpmn:userTask id="${id}" name="Cho ý kiến" camunda:candidateGroups="${groups}">${withOutput && c7Output ? `<bpmn:extensionElements>${c7Output}</bpmn:extensionElements>` : ''}`
      : `<bpmn:userTask id="${id}" name="Cho ý kiến"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="${groups}"/>${c8Unit}</bpmn:extensionElements>`;
  if (o.host === 'sub') {
    const review =
      mode === 'c7'
        ? '<bpmn:userTask id="review" name="Xem xét" camunda:candidateGroups="${dept}"/>'
        : '<bpmn:userTask id="review" name="Xem xét"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="=dept"/></bpmn:extensionElements></bpmn:userTask>';
    return `<bpmn:subProcess id="opinion" name="Lấy ý kiến">${loop(mode, o)}<bpmn:startEvent id="ss"/>${f('g1', 'ss', 'review')}${review}${f('g2', 'review', 'se')}<bpmn:endEvent id="se"/></bpmn:subProcess>`;
  }
  return `${user('opinion', true)}${loop(mode, o)}</bpmn:userTask>`;
}

export function opinionDiagram(mode: Mode, key: string, o: LoopOptions = {}): string {
  const summary =
    mode === 'c7'
      ? '<bpmn:userTask id="summary" name="Tổng hợp ý kiến" camunda:candidateGroups="mot-cua"/>'
      : '<bpmn:userTask id="summary" name="Tổng hợp ý kiến"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="mot-cua"/></bpmn:extensionElements></bpmn:userTask>';
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ${ns[mode]} id="defs_${key}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${key}" isExecutable="true">
    <bpmn:startEvent id="s"/>${f('f0', 's', 'opinion')}
    ${opinionTask(mode, o)}
    ${f('f1', 'opinion', 'summary')}${summary}${f('f2', 'summary', 'e')}<bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;
}
