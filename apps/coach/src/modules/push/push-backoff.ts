/** Seconds before the next attempt: `base` doubled per attempt made, at most an hour, at least Retry-After. */
export function retryDelaySeconds(attemptsMade: number, baseSeconds: number, retryAfterSeconds = 0): number {
  const doubled = baseSeconds * 2 ** Math.max(0, attemptsMade - 1);
  return Math.max(Math.min(doubled, 3_600), retryAfterSeconds);
}

export function addSeconds(at: Date, seconds: number): Date {
  return new Date(at.getTime() + seconds * 1000);
}
