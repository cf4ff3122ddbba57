/** A form field's text trimmed, or undefined when empty (an optional filter or field left blank). */
export const orUndefined = (value: string | undefined): string | undefined =>
  value?.trim() ? value.trim() : undefined;

/** A code as people read it: "in_storage" as "in storage", "waiting_for_approval" as "waiting for approval". */
export const readableCode = (code: string): string => code.replaceAll('_', ' ');

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether text is a uuid (a record's id, as opposed to a business id or free text). */
export const isUuid = (text: string): boolean => uuidPattern.test(text);
