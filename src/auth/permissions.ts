/**
 * Roles and what each may do: the one permission matrix of the service.
 * Routes declare the permission they need (`config: { permission: 'cases:start' }`);
 * the auth plugin checks it against the caller's role. docs/access-control.md mirrors this.
 */
export const ROLES = ['desk-officer', 'specialist', 'leader', 'supervisor', 'analyst', 'integration', 'metrics', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Every role that works on cases; `metrics` (a Prometheus server's key) holds only metrics:read. */
const ALL: readonly Role[] = ROLES.filter((role) => role !== 'metrics');

/** permission → roles that hold it. */
export const PERMISSIONS = {
  /** List procedures, their versions and XML. */
  'procedures:read': ALL,
  /** Publish a BPMN diagram as a new procedure version. */
  'procedures:publish': ['analyst', 'admin'],
  /** Cases, their history, tasks and work lists (filtered by unit scope where cases carry units). */
  'cases:read': ALL,
  /** Start a case (receipt of a dossier). */
  'cases:start': ['desk-officer', 'integration', 'admin'],
  /** Move a case on: complete tasks, deliver messages, lifecycle operations. */
  'cases:advance': ['desk-officer', 'specialist', 'leader', 'integration', 'admin'],
  /** Exceptional operations: terminate, retry incidents, pause/resume the clock, apologies, reassign. */
  'cases:manage': ['leader', 'admin'],
  /** Move running cases to another procedure version. */
  'cases:migrate': ['leader', 'analyst', 'admin'],
  /** Reminders and breaches that fired. */
  'escalations:read': ['supervisor', 'leader', 'admin'],
  /** Working-time arithmetic, the day list, the overrides in force. */
  'calendar:read': ALL,
  /** Set and remove calendar overrides. */
  'calendar:admin': ['admin'],
  /** The organisation tree. */
  'units:read': ALL,
  /** Create, rename and dissolve units. */
  'units:admin': ['admin'],
  /** Create, list and revoke API keys. */
  'keys:admin': ['admin'],
  /** Scrape /metrics (a Prometheus server's key; docs/operations.md). */
  'metrics:read': ['metrics', 'admin'],
  /** The operators' queue board at /admin/queues: inspect, retry and remove jobs. */
  'queues:admin': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as Permission[];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && Object.hasOwn(PERMISSIONS, value);
}

/** True when `role` holds `permission`. */
export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** Roles that see every unit; the others see only their units (and, for some, the units below). */
export const ROLES_SEEING_ALL_UNITS: readonly Role[] = ['admin', 'analyst', 'integration', 'metrics'];
/** Roles that see their units and every unit below them in the tree. */
export const ROLES_SEEING_DESCENDANTS: readonly Role[] = ['supervisor', 'leader'];
