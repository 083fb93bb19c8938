/** A failure the client can act on: carries a stable machine-readable code and an HTTP status. */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode: number,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, id: string): DomainError =>
  new DomainError(`${what.toUpperCase().replace(/ /g, '_')}_NOT_FOUND`, `${what} '${id}' does not exist`, 404, { id });

export const conflict = (code: string, message: string, details?: unknown): DomainError =>
  new DomainError(code, message, 409, details);

export const unprocessable = (code: string, message: string, details?: unknown): DomainError =>
  new DomainError(code, message, 422, details);

export const badRequest = (code: string, message: string, details?: unknown): DomainError =>
  new DomainError(code, message, 400, details);

/** Lost a race for a case: the caller may retry the whole operation. */
export class CommitConflict extends Error {
  constructor(readonly caseId: string, readonly revision: number) {
    super(`case ${caseId}: revision ${revision} was committed by someone else`);
    this.name = 'CommitConflict';
  }
}
