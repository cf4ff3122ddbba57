import { queryAs } from '@ours/platform/db';
import type { AppContext } from '../../context.ts';
import { serviceRole } from '../shared/service-role.ts';
import { anyBudgetConfigured } from './budgets.repository.ts';

interface SwitchState {
  on: boolean;
  /** performance.now() of the read (not ctx.now(): tests move that clock by months). */
  readAt: number;
  /** A read in progress, shared by every request that finds the answer stale. */
  reading: Promise<boolean> | undefined;
  /** Reads are numbered so an older read finishing late never overwrites a newer answer. */
  started: number;
  applied: number;
}

// Per context (one per process, or per in-process instance in tests).
const states = new WeakMap<AppContext, SwitchState>();

/**
 * Whether any budget is configured, as this process last read it (at most BUDGET_CACHE_MS ago).
 * With budgets off, /ask pays one small read per BUDGET_CACHE_MS per process, not one per request.
 */
export function budgetsOn(ctx: AppContext): boolean | Promise<boolean> {
  const state = states.get(ctx);
  if (state && performance.now() - state.readAt < ctx.config.budgets.cacheMs) return state.on;
  if (state?.reading) return state.reading;
  return readBudgetSwitch(ctx);
}

/** Reads the answer now: after a change through the admin routes, and when it is stale. */
export function readBudgetSwitch(ctx: AppContext): Promise<boolean> {
  const state = states.get(ctx) ?? {
    on: false,
    readAt: Number.NEGATIVE_INFINITY,
    reading: undefined,
    started: 0,
    applied: 0,
  };
  states.set(ctx, state);
  const number = ++state.started;
  const reading = anyBudgetConfigured(queryAs(ctx.db, serviceRole)).then(
    (on) => {
      if (number > state.applied) {
        state.applied = number;
        state.on = on;
        state.readAt = performance.now();
      }
      if (state.reading === reading) state.reading = undefined;
      return on;
    },
    (error: unknown) => {
      if (state.reading === reading) state.reading = undefined;
      throw error;
    },
  );
  state.reading = reading;
  return reading;
}
