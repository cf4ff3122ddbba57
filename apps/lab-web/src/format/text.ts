/** A form field's text trimmed, or undefined when empty (an optional filter or field left blank). */
export const orUndefined = (value: string | undefined): string | undefined =>
  value?.trim() ? value.trim() : undefined;
