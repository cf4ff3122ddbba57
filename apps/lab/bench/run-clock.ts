/** A timestamp as PostgreSQL writes it (ISO 8601, microseconds) in ms since the epoch, fraction kept. */
export function isoMs(at: string): number {
  const fraction = /\.(\d+)/.exec(at)?.[1] ?? '0';
  return Date.parse(at.replace(/\.\d+/, '')) + Number(`0.${fraction}`) * 1000;
}

/** The wall clock (the one PostgreSQL stamps with on this machine) with sub-millisecond resolution. */
export const wallMs = (): number => performance.timeOrigin + performance.now();
