/** Whether a database error (or one it caused) is a UNIQUE violation, optionally of one constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  return hasSqlState(error, '23505', constraint);
}

/** Whether a database error (or one it caused) is a FOREIGN KEY violation. */
export function isForeignKeyViolation(error: unknown): boolean {
  return hasSqlState(error, '23503');
}

function hasSqlState(error: unknown, state: string, constraint?: string): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = 'code' in current ? current.code : undefined;
    const name = 'constraint' in current ? current.constraint : undefined;
    if (code === state && (constraint === undefined || name === constraint)) return true;
  }
  return false;
}
