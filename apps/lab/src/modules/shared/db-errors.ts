/** Whether a database error (or one it caused) is a UNIQUE violation, optionally of one constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    const { code, constraint: name } = current as { code?: string; constraint?: string };
    if (code === '23505' && (constraint === undefined || name === constraint)) return true;
  }
  return false;
}
