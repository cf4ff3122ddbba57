import { formatDate } from '../../format/dates.ts';
import type { LotStatus } from './inventory-api.ts';

const amount = new Intl.NumberFormat(undefined, { maximumFractionDigits: 6 });

/** A stock quantity with its unit ("12.5 mL"). */
export function quantity(value: number, unit: string): string {
  return `${amount.format(value)} ${unit}`;
}

/** A signed ledger quantity ("+12 mL", "−5 mL"). */
export function signedQuantity(value: number, unit: string): string {
  return `${value > 0 ? '+' : value < 0 ? '−' : ''}${amount.format(Math.abs(value))} ${unit}`;
}

/** Today in the reader's calendar, as YYYY-MM-DD (what expiry dates are compared with). */
export function todayDay(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Whole days from today to a YYYY-MM-DD day (negative once past). */
export function daysUntil(day: string, today = todayDay()): number {
  return Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
}

/** How soon an expiry date counts as "soon" (the API's expiring report defaults to 30 days). */
export const expirySoonDays = 30;

/** An expiry date: a danger badge once past, a warning badge within 30 days, plain otherwise. */
export function ExpiryBadge({ date }: { date: string | null | undefined }) {
  if (!date) return <span>No expiry</span>;
  const days = daysUntil(date);
  if (days < 0) return <span className="badge badge-danger">Expired {formatDate(date)}</span>;
  if (days === 0) return <span className="badge badge-warn">Expires today</span>;
  if (days <= expirySoonDays) {
    return (
      <span className="badge badge-warn">
        Expires {formatDate(date)} (in {days} {days === 1 ? 'day' : 'days'})
      </span>
    );
  }
  return <span>{formatDate(date)}</span>;
}

const statusTone: Record<string, string> = {
  active: 'badge-ok',
  quarantined: 'badge-warn',
  depleted: '',
  expired: 'badge-danger',
};

/** A lot's status as a badge (quarantined and expired lots cannot be consumed). */
export function LotStatusBadge({ status }: { status: LotStatus | string }) {
  return <span className={`badge ${statusTone[status] ?? ''}`}>{status}</span>;
}

/**
 * Whether an item's usable stock is at or below its minimum (critical) or its reorder point (low),
 * the same rule as the API's low-stock report.
 */
export function StockLevelBadge({
  available,
  reorderPoint,
  minStock,
}: {
  available: number;
  reorderPoint: number;
  minStock: number;
}) {
  if (available <= minStock) return <span className="badge badge-danger">Critical</span>;
  if (available <= reorderPoint) return <span className="badge badge-warn">Low stock</span>;
  return null;
}
