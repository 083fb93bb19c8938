/**
 * Minimal types for bpmn-moddle 10, whose root entry ships no declarations
 * (its generated `bpmn-moddle/types` describe the model only).
 */
declare module 'bpmn-moddle' {
  export interface ModdleElement {
    $type: string;
    $parent?: ModdleElement;
    $attrs?: Record<string, string>;
    id?: string;
    name?: string;
    $instanceOf(type: string): boolean;
    get(name: string): unknown;
    set(name: string, value: unknown): void;
    [property: string]: unknown;
  }

  /** One warning of the lax reader: unknown element/attribute, unresolved reference, duplicate id. */
  export interface ParseWarning {
    message: string;
    element?: ModdleElement;
    property?: string;
    value?: unknown;
    error?: Error;
  }

  export interface ParseResult {
    rootElement: ModdleElement;
    elementsById: Record<string, ModdleElement>;
    references: unknown[];
    warnings: ParseWarning[];
  }

  /** What bpmn-engine's and moddle-context-serializer's types import. */
  export type Definitions = ModdleElement;
  export type BaseElement = ModdleElement;

  export interface BpmnModdle {
    fromXML(xml: string, typeName?: string | Record<string, unknown>, options?: Record<string, unknown>): Promise<ParseResult>;
    toXML(element: ModdleElement, options?: Record<string, unknown>): Promise<{ xml: string }>;
    create(type: string, attrs?: Record<string, unknown>): ModdleElement;
  }

  export const BpmnModdle: {
    new (packages?: Record<string, unknown>, options?: Record<string, unknown>): BpmnModdle;
    (packages?: Record<string, unknown>, options?: Record<string, unknown>): BpmnModdle;
  };
}

/** moddle-xml's reader: only used to reach its element handlers' prototypes (warning-cap.ts). */
declare module 'moddle-xml' {
  export class Reader {
    constructor(options: { model: unknown; lax?: boolean });
    handler(name: string): object;
  }
}
