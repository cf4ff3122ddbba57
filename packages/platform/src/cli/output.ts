const snake = (key: string) => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** The same value with every object key in snake_case, as the HTTP APIs name fields. */
export function snakeCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCaseKeys);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [snake(key), snakeCaseKeys(inner)]));
}

/** Prints a command's result as data: JSON on stdout, keys in snake_case like the API. */
export function printData(value: unknown): void {
  console.log(JSON.stringify(snakeCaseKeys(value), null, 2));
}
