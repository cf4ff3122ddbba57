// The operator page: sign-in with a pasted service-role token, then usage, budgets and jobs read
// from the coach's service-role APIs. Nothing here is data: every figure comes from those calls.

import { ApiError, forgetToken, getJson, storedToken, storeToken, tokenProblem } from './api.js';
import { timeChart } from './charts.js';
import {
  daysBetween,
  formatCount,
  formatDateTime,
  formatDay,
  formatDuration,
  formatMonth,
  formatMs,
  formatRate,
  formatUsd,
  localDateKey,
} from './format.js';
import { badge, byId, el, figureCards, setStatus, table } from './render.js';

/** @type {Record<string, string>} */
const reasonLabels = {
  timeout: 'The model took too long (timeout)',
  rate_limited: 'The model provider refused: rate limited',
  upstream_error: 'The model provider failed (upstream error)',
  not_configured: 'No model configured',
  client_disconnected: 'The app disconnected before the answer',
  safety_blocked: 'Answer blocked by the safety rules',
  crisis_detected: 'Crisis message: safety reply sent',
  budget_exhausted: 'Budget used up',
};

let days = 30;
/** Bumped on every load, so an older, slower answer never overwrites a newer one. */
let generation = 0;

const signIn = byId('sign-in');
const dashboard = byId('dashboard');
const signOutButton = byId('sign-out');
const signInMessage = byId('sign-in-message');
const tokenInput = /** @type {HTMLTextAreaElement} */ (byId('token'));

/** @param {string} [message] */
function showSignIn(message) {
  generation += 1;
  dashboard.hidden = true;
  signOutButton.hidden = true;
  for (const id of [
    'usage-summary',
    'usage-charts',
    'fallbacks',
    'top-users',
    'models',
    'budgets',
    'schedules',
    'job-runs',
  ])
    byId(id).replaceChildren();
  signIn.hidden = false;
  signInMessage.hidden = !message;
  signInMessage.className = 'notice error';
  signInMessage.textContent = message ?? '';
  tokenInput.focus();
}

function showDashboard() {
  signIn.hidden = true;
  signInMessage.hidden = true;
  dashboard.hidden = false;
  signOutButton.hidden = false;
  void loadAll();
}

/** A pasted token, without a `Bearer ` prefix or surrounding whitespace. @param {string} text */
function cleanToken(text) {
  return text.trim().replace(/^bearer\s+/i, '');
}

byId('sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const token = cleanToken(tokenInput.value);
  if (!token) {
    showSignIn('Paste a service-role token first.');
    return;
  }
  const button = /** @type {HTMLButtonElement} */ (byId('sign-in-button'));
  button.disabled = true;
  button.textContent = 'Checking…';
  try {
    // The jobs overview is the cheapest service-role call: it proves the token before it is kept.
    await getJson('/admin/jobs', token);
    storeToken(token);
    tokenInput.value = '';
    showDashboard();
  } catch (error) {
    showSignIn(tokenProblem(error) ?? `Could not sign in: ${messageOf(error)}`);
  } finally {
    button.disabled = false;
    button.textContent = 'Sign in';
  }
});

signOutButton.addEventListener('click', () => {
  forgetToken();
  tokenInput.value = '';
  showSignIn();
});

for (const button of document.querySelectorAll('[data-days]')) {
  button.addEventListener('click', () => {
    days = Number(button.getAttribute('data-days'));
    for (const other of document.querySelectorAll('[data-days]'))
      other.setAttribute('aria-pressed', String(other === button));
    void loadAll();
  });
}
byId('refresh').addEventListener('click', () => void loadAll());

/** "1 request", "2 requests". @param {number} count @param {string} one @param {string} many */
function plural(count, one, many) {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/** @param {unknown} error */
function messageOf(error) {
  if (error instanceof ApiError)
    return error.status ? `${error.message} (HTTP ${error.status})` : error.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Loads one part of the page; a refused token anywhere sends the operator back to sign in.
 * @template T
 * @param {string} path
 * @param {number} started the generation this load belongs to
 * @returns {Promise<T | undefined>} undefined when the page moved on (newer load, signed out)
 */
async function load(path, started) {
  const token = storedToken();
  if (!token) {
    showSignIn();
    return undefined;
  }
  try {
    const body = await getJson(path, token);
    return started === generation ? body : undefined;
  } catch (error) {
    if (started !== generation) return undefined;
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      forgetToken();
      showSignIn(tokenProblem(error) ?? undefined);
      return undefined;
    }
    throw error;
  }
}

async function loadAll() {
  generation += 1;
  const started = generation;
  const today = new Date();
  const to = localDateKey(new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1));
  const from = localDateKey(new Date(today.getFullYear(), today.getMonth(), today.getDate() - days + 1));
  byId('range-text').textContent = `${formatDay(from)} to ${formatDay(daysBetween(from, to).at(-1) ?? from)}`;
  await Promise.all([
    loadUsage(started, from, to),
    loadModels(started, from, to),
    loadBudgets(started),
    loadJobs(started),
  ]);
}

/** @param {number} started @param {string} from @param {string} to */
async function loadUsage(started, from, to) {
  const status = byId('usage-status');
  setStatus(status, 'loading', 'Loading usage…');
  try {
    const usage = await load(`/admin/usage?from=${from}&to=${to}&group_by=day`, started);
    if (!usage) return;
    setStatus(status, 'none');
    byId('range-text').textContent =
      `${formatDay(from)} to ${formatDay(daysBetween(from, to).at(-1) ?? from)} · days in ${usage.time_zone}, costs in ${usage.currency}`;
    renderUsage(usage, daysBetween(from, to));
  } catch (error) {
    const missing = error instanceof ApiError && error.status === 404;
    setStatus(
      status,
      'error',
      missing
        ? 'This server does not report usage yet (GET /admin/usage is missing): update the coach.'
        : `Could not load usage: ${messageOf(error)}`,
    );
    for (const id of ['usage-summary', 'usage-charts', 'fallbacks', 'top-users']) byId(id).replaceChildren();
  }
}

/**
 * @param {any} usage the `GET /admin/usage?group_by=day` answer
 * @param {string[]} dayKeys every day of the range, so days without requests show as zero
 */
function renderUsage(usage, dayKeys) {
  const totals = usage.totals;
  const succeeded = totals.succeeded ?? Math.round(totals.requests * totals.success_rate);
  const fallbacks = totals.fallbacks ?? totals.requests - succeeded;
  byId('usage-summary').replaceChildren(
    ...figureCards([
      {
        label: 'Requests',
        value: formatCount(totals.requests),
        note: `${formatCount(succeeded)} answered by the model, ${plural(fallbacks, 'fallback', 'fallbacks')}`,
      },
      {
        label: 'Success rate',
        value: formatRate(totals.requests ? totals.success_rate : null),
        note: `Fallback rate ${formatRate(totals.requests ? totals.fallback_rate : null)}`,
      },
      {
        label: 'Tokens',
        value: formatCount(totals.total_tokens),
        note: `${formatCount(totals.prompt_tokens)} prompt (${formatCount(totals.cached_tokens)} cached), ${formatCount(totals.completion_tokens)} completion`,
      },
      {
        label: 'Cost',
        value: formatUsd(totals.cost_usd),
        note: totals.cost_unknown_requests
          ? `Not counted: ${plural(totals.cost_unknown_requests, 'request', 'requests')} without a known price`
          : 'USD, at the prices in force for each call',
      },
      {
        label: 'Latency (median)',
        value: formatMs(totals.latency_ms?.p50),
        note: `95th percentile ${formatMs(totals.latency_ms?.p95)}`,
      },
    ]),
  );

  /** @type {Map<string, any>} */
  const byDay = new Map(usage.groups.map((/** @type {any} */ group) => [group.key, group]));
  const perDay = (/** @type {(group: any) => (number | null)[]} */ pick, /** @type {number} */ width) =>
    dayKeys.map((key) => {
      const group = byDay.get(key);
      return { key, values: group ? pick(group) : Array(width).fill(null) };
    });
  const succeededOf = (/** @type {any} */ group) => Math.round(group.requests * group.success_rate);
  const noRequests = 'No requests in this range';

  byId('usage-charts').replaceChildren(
    timeChart({
      id: 'chart-requests',
      title: 'Requests per day',
      kind: 'bars',
      series: [
        { name: 'Answered by the model', className: 'series-ok' },
        { name: 'Fallbacks', className: 'series-fallback' },
      ],
      days: perDay((group) => [succeededOf(group), group.requests - succeededOf(group)], 2),
      format: formatCount,
      whole: true,
      emptyText: noRequests,
    }),
    timeChart({
      id: 'chart-tokens',
      title: 'Tokens per day',
      kind: 'bars',
      series: [
        { name: 'Prompt tokens', className: 'series-prompt' },
        { name: 'Completion tokens', className: 'series-completion' },
      ],
      days: perDay((group) => [group.prompt_tokens, group.completion_tokens], 2),
      format: formatCount,
      whole: true,
      emptyText: noRequests,
    }),
    timeChart({
      id: 'chart-cost',
      title: 'Cost per day (USD)',
      kind: 'bars',
      series: [{ name: 'USD', className: 'series-cost' }],
      days: perDay((group) => [group.cost_usd], 1),
      format: formatUsd,
      axisFormat: (value) => formatUsd(value),
      emptyText: noRequests,
    }),
    timeChart({
      id: 'chart-latency',
      title: 'Latency per day (ms)',
      kind: 'lines',
      series: [
        { name: 'Median (p50)', className: 'series-p50' },
        { name: '95th percentile (p95)', className: 'series-p95' },
      ],
      days: perDay((group) => [group.latency_ms?.p50 ?? null, group.latency_ms?.p95 ?? null], 2),
      format: formatMs,
      emptyText: noRequests,
    }),
  );

  const reasons = Object.entries(totals.fallback_by_reason ?? {})
    .filter(([, figures]) => figures.count > 0)
    .sort(([, a], [, b]) => b.count - a.count);
  byId('fallbacks').replaceChildren(
    table({
      label: 'Fallback reasons',
      columns: [
        { label: 'Reason' },
        { label: 'Requests', numeric: true },
        { label: 'Share of all requests', numeric: true },
      ],
      rows: reasons.map(([reason, figures]) => [
        reasonLabels[reason] ?? reason,
        formatCount(figures.count),
        formatRate(figures.rate),
      ]),
      empty: 'No fallbacks in this range.',
    }),
  );
  byId('top-users').replaceChildren(
    table({
      label: 'Top users',
      columns: [
        { label: 'User' },
        { label: 'Requests', numeric: true },
        { label: 'Tokens', numeric: true },
        { label: 'Cost (USD)', numeric: true },
      ],
      rows: (usage.top_users ?? []).map((/** @type {any} */ user) => [
        user.email ?? user.user_id,
        formatCount(user.requests),
        formatCount(user.total_tokens),
        formatUsd(user.cost_usd),
      ]),
      empty: 'No requests in this range.',
    }),
  );
}

/** @param {number} started @param {string} from @param {string} to */
async function loadModels(started, from, to) {
  const target = byId('models');
  target.replaceChildren(el('p', { class: 'status loading' }, 'Loading models…'));
  try {
    const usage = await load(`/admin/usage?from=${from}&to=${to}&group_by=model`, started);
    if (!usage) return;
    target.replaceChildren(
      table({
        label: 'Usage per model',
        columns: [
          { label: 'Model' },
          { label: 'Requests', numeric: true },
          { label: 'Success rate', numeric: true },
          { label: 'Prompt tokens', numeric: true },
          { label: 'Completion tokens', numeric: true },
          { label: 'Cost (USD)', numeric: true },
          { label: 'Latency p50', numeric: true },
          { label: 'Latency p95', numeric: true },
        ],
        rows: usage.groups.map((/** @type {any} */ group) => [
          group.key ?? 'No model call',
          formatCount(group.requests),
          formatRate(group.success_rate),
          formatCount(group.prompt_tokens),
          formatCount(group.completion_tokens),
          formatUsd(group.cost_usd),
          formatMs(group.latency_ms?.p50),
          formatMs(group.latency_ms?.p95),
        ]),
        empty: 'No model calls in this range.',
      }),
    );
  } catch (error) {
    // The usage section already explains a missing endpoint; here a short line is enough.
    target.replaceChildren(el('p', { class: 'status error' }, `Could not load models: ${messageOf(error)}`));
  }
}

/** @param {number} started */
async function loadBudgets(started) {
  const target = byId('budgets');
  target.replaceChildren(el('p', { class: 'status loading' }, 'Loading budgets…'));
  /** @type {any} */
  let answer;
  try {
    answer = await load('/admin/budgets', started);
    if (!answer) return;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      target.replaceChildren(el('p', { class: 'empty' }, 'No budgets: this server does not limit usage.'));
      return;
    }
    target.replaceChildren(el('p', { class: 'status error' }, `Could not load budgets: ${messageOf(error)}`));
    return;
  }
  const scopeLabel = (/** @type {any} */ budget) =>
    budget.scope === 'global'
      ? 'All users together'
      : budget.scope === 'default'
        ? 'Each user without their own budget'
        : budget.token_limit == null && budget.cost_limit_usd == null
          ? `${budget.email ?? budget.user_id} (exempt from the default)`
          : (budget.email ?? budget.user_id);
  const used = (
    /** @type {number} */ value,
    /** @type {number | null} */ limit,
    /** @type {(n: number) => string} */ format,
  ) =>
    limit == null
      ? `${format(value)} (no limit)`
      : `${format(value)} of ${format(limit)} (${formatRate(limit > 0 ? value / limit : 1)})`;
  // A global or default entry with neither limit is no budget at all; a user's entry with neither
  // limit is a deliberate exemption, so it stays listed.
  const budgets = (answer.budgets ?? []).filter(
    (/** @type {any} */ budget) =>
      budget.scope === 'user' || budget.token_limit != null || budget.cost_limit_usd != null,
  );
  target.replaceChildren(
    el(
      'p',
      { class: 'muted' },
      `${formatMonth(answer.period)}. Budgets are monthly; once one is used up the coach answers with a fallback instead of calling the model.`,
    ),
    table({
      label: 'Budgets',
      columns: [
        { label: 'Applies to' },
        { label: 'Tokens used', numeric: true },
        { label: 'Cost used', numeric: true },
      ],
      rows: budgets.map((/** @type {any} */ budget) => [
        scopeLabel(budget),
        used(budget.tokens_used, budget.token_limit, formatCount),
        used(budget.cost_used_usd, budget.cost_limit_usd, formatUsd),
      ]),
      empty: 'No budgets set: usage is not limited.',
    }),
  );
}

/**
 * Who runs the jobs, as far as this server knows: it may be set to run them (`workers`) while its
 * scheduler is not running (yet), and then it cannot say when they run next either.
 * @param {{ workers: boolean, schedules: { next: string[] }[] }} jobs
 */
function whoRunsJobs(jobs) {
  if (!jobs.workers)
    return 'This server does not run the jobs (another process does): next times are not known here.';
  if (jobs.schedules.some((schedule) => schedule.next.length > 0)) return 'This server runs the jobs.';
  return 'This server is set to run the jobs, but its scheduler is not running: next times are not known.';
}

/** @param {number} started */
async function loadJobs(started) {
  const status = byId('jobs-status');
  setStatus(status, 'loading', 'Loading jobs…');
  try {
    const jobs = await load('/admin/jobs', started);
    if (!jobs) return;
    setStatus(status, 'none');
    byId('schedules').replaceChildren(
      el(
        'p',
        { class: 'muted' },
        `Times are in ${jobs.time_zone} unless marked "each user's own time". ${whoRunsJobs(jobs)}`,
      ),
      table({
        label: 'Schedules',
        columns: [{ label: 'Job' }, { label: 'When' }, { label: 'Next runs (your local time)' }],
        rows: jobs.schedules.map((/** @type {any} */ schedule) => [
          schedule.name,
          schedule.time_zone === 'user'
            ? `${describeCron(schedule.cron)}, each user's own time`
            : describeCron(schedule.cron),
          schedule.next.length ? schedule.next.map(formatDateTime).join(', ') : '–',
        ]),
        empty: 'No scheduled jobs.',
      }),
    );
    /** @type {Record<string, string>} */
    const tones = { success: 'ok', partial_success: 'warn', failed: 'bad', running: 'info' };
    byId('job-runs').replaceChildren(
      table({
        label: 'Recent job runs',
        columns: [
          { label: 'Job' },
          { label: 'Covers' },
          { label: 'Started by' },
          { label: 'Status' },
          { label: 'Started (your local time)' },
          { label: 'Took', numeric: true },
          { label: 'Processed', numeric: true },
          { label: 'Succeeded', numeric: true },
          { label: 'Failed', numeric: true },
          { label: 'Skipped', numeric: true },
          { label: 'Error' },
        ],
        rows: jobs.recent.map((/** @type {any} */ run) => [
          run.name,
          run.slot,
          run.dry_run ? `${run.trigger} (dry run)` : run.trigger,
          badge(run.status.replace('_', ' '), tones[run.status] ?? 'info'),
          formatDateTime(run.started_at),
          formatDuration(run.started_at, run.finished_at),
          formatCount(run.processed),
          formatCount(run.succeeded),
          formatCount(run.failed),
          formatCount(run.skipped),
          run.error ?? '',
        ]),
        empty: 'No job has run yet.',
      }),
    );
  } catch (error) {
    setStatus(status, 'error', `Could not load jobs: ${messageOf(error)}`);
  }
}

/** The common cron shapes in words; anything else as written. @param {string} cron */
function describeCron(cron) {
  const [minute, hour, dayOfMonth, month, weekday] = cron.trim().split(/\s+/);
  const weekdays = [
    'Sundays',
    'Mondays',
    'Tuesdays',
    'Wednesdays',
    'Thursdays',
    'Fridays',
    'Saturdays',
    'Sundays',
  ];
  const time = () => `${hour?.padStart(2, '0')}:${minute?.padStart(2, '0')}`;
  const plain = (/** @type {string | undefined} */ part) => part !== undefined && /^\d+$/.test(part);
  if (dayOfMonth !== '*' || month !== '*') return cron;
  if (plain(minute) && plain(hour) && weekday === '*') return `Every day at ${time()}`;
  if (plain(minute) && plain(hour) && plain(weekday))
    return `${weekdays[Number(weekday)] ?? cron} at ${time()}`;
  if (minute === '*' && hour === '*' && weekday === '*') return 'Every minute';
  if (plain(minute) && hour === '*' && weekday === '*') return `Every hour at minute ${minute}`;
  const every = /^\*\/(\d+)$/.exec(minute ?? '');
  if (every && hour === '*' && weekday === '*') return `Every ${every[1]} minutes`;
  return cron;
}

if (storedToken()) showDashboard();
else showSignIn();
