/** Organisation units: the province, its departments, communes/wards, and other bodies. */
export const UNIT_KINDS = ['province', 'department', 'commune', 'other'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** Slug: lower-case ASCII words joined by '-', e.g. 'xa-tan-phu'. */
export const UNIT_ID_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*$';
/**
 * Agency identifier used in dossier codes, e.g. '000.00.01.H22': upper-case letters and
 * digits in dot-separated groups (no '-', which separates the parts of a dossier code).
 */
export const UNIT_CODE_PATTERN = '^[0-9A-Z]+(\\.[0-9A-Z]+)*$';

export const UNIT_ID_RE = new RegExp(UNIT_ID_PATTERN);
export const UNIT_CODE_RE = new RegExp(UNIT_CODE_PATTERN);

export interface Unit {
  id: string;
  code: string;
  name: string;
  kind: UnitKind;
  parentId: string | null;
  /** Set when the unit was dissolved; its record stays (old dossiers refer to it). */
  dissolvedAt: Date | null;
  /** Units that took over its work when it was dissolved. */
  successorIds: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface NewUnit {
  id: string;
  code: string;
  name: string;
  kind: UnitKind;
  parentId: string | null;
}

export type UnitTreeNode = Unit & { children: UnitTreeNode[] };

export const isActive = (unit: Unit): boolean => unit.dissolvedAt === null;
