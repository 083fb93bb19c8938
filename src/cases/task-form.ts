import type { TaskWait } from '../domain/case.js';
import type { TaskForm } from '../engine/step-runner.js';

/**
 * What the diagram says about a task's form and due date (camunda:formKey / formData /
 * dueDate, zeebe:formDefinition / taskSchedule), kept on the wait by the step runner.
 */
export function taskFormOf(wait: TaskWait): { formKey: string | null; formFields: NonNullable<TaskForm['formFields']> } {
  const form = wait as TaskWait & TaskForm;
  return { formKey: form.formKey ?? null, formFields: form.formFields ?? [] };
}

/** The step's quota clock wins (working time, pauses); otherwise the diagram's due date. */
export function taskDueAt(wait: TaskWait): string | null {
  return wait.clock?.dueAt ?? (wait as TaskWait & TaskForm).dueDate ?? null;
}
