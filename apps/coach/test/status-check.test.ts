import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CoachExecutor } from '../src/db/coach-database.ts';
import { runStatusCheck, type StatusCheckResult } from '../src/modules/status-check/status-check.service.ts';
import { detectStressSignal } from '../src/modules/status-check/stress-signals.ts';
import { asService } from './support/coach-logs.ts';
import { bearer, createUser, useTestApp } from './support/test-app.ts';

const t = useTestApp();
// Run date 2026-11-23 (London = UTC in November): the window is 20, 21 and 22 November.
const runDate = '2026-11-23';
const at = (day: string, time = '12:00') => `2026-11-${day}T${time}:00Z`;
// Earlier nudges are dated against the real clock: the database stamps the new one with now().
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

type Entry =
  | { mood: number; stress: number; at: string; notes?: string }
  | { message: string; at: string; reply?: string; crisis?: boolean; success?: boolean }
  | { nudgeAt: string; type?: 'ai_coach_proactive' | 'reminder' };
type Expected = 'nudge' | 'none' | 'review';

const cases: [string, Entry[], Expected][] = [
  [
    'stress 8 on two days',
    [
      { mood: 6, stress: 8, at: at('20') },
      { mood: 6, stress: 8, at: at('22') },
    ],
    'nudge',
  ],
  [
    'stress 7 (the threshold) on two days',
    [
      { mood: 6, stress: 7, at: at('20') },
      { mood: 6, stress: 7, at: at('21') },
    ],
    'nudge',
  ],
  [
    'stress 6 on three days',
    [
      { mood: 6, stress: 6, at: at('20') },
      { mood: 6, stress: 6, at: at('21') },
      { mood: 6, stress: 6, at: at('22') },
    ],
    'none',
  ],
  [
    'mood 3 (the threshold) on two days',
    [
      { mood: 3, stress: 2, at: at('20') },
      { mood: 3, stress: 2, at: at('21') },
    ],
    'nudge',
  ],
  [
    'mood 4 on three days',
    [
      { mood: 4, stress: 5, at: at('20') },
      { mood: 4, stress: 5, at: at('21') },
      { mood: 4, stress: 5, at: at('22') },
    ],
    'none',
  ],
  [
    'low mood and high stress on one day only',
    [
      { mood: 2, stress: 9, at: at('21', '08:00') },
      { mood: 2, stress: 9, at: at('21', '20:00') },
    ],
    'none',
  ],
  [
    'high stress one day, low mood another',
    [
      { mood: 7, stress: 9, at: at('20') },
      { mood: 2, stress: 3, at: at('22') },
    ],
    'nudge',
  ],
  [
    'stressed days outside the window',
    [
      { mood: 2, stress: 9, at: at('19') },
      { mood: 2, stress: 9, at: at('23') },
    ],
    'none',
  ],
  [
    'one stressed day inside, one just outside',
    [
      { mood: 2, stress: 9, at: at('22') },
      { mood: 2, stress: 9, at: at('19', '23:59') },
    ],
    'none',
  ],
  [
    'the window edges: first minute and last minute',
    [
      { mood: 2, stress: 9, at: at('20', '00:00') },
      { mood: 2, stress: 9, at: at('22', '23:59') },
    ],
    'nudge',
  ],
  [
    'midnight of the run date is outside',
    [
      { mood: 2, stress: 9, at: at('23', '00:00') },
      { mood: 2, stress: 9, at: at('22') },
    ],
    'none',
  ],
  [
    'stressed chat on two days',
    [
      { message: "I'm so stressed about work", at: at('20') },
      { message: 'feeling really down today', at: at('22') },
    ],
    'nudge',
  ],
  [
    '"download" on two days',
    [
      { message: 'How do I download the app?', at: at('20') },
      { message: 'The download failed again', at: at('21') },
    ],
    'none',
  ],
  [
    '"cooldown" and "break it down"',
    [
      { message: 'Best cooldown stretches?', at: at('20') },
      { message: 'Can you break it down for me?', at: at('21') },
    ],
    'none',
  ],
  [
    'negated: "not stressed at all"',
    [
      { message: "I'm not stressed at all", at: at('20') },
      { message: 'Honestly not stressed, just curious', at: at('21') },
    ],
    'none',
  ],
  [
    'negated: "no longer anxious", "not feeling down"',
    [
      { message: 'I am no longer anxious about the race', at: at('20') },
      { message: "I'm not feeling down anymore", at: at('22') },
    ],
    'none',
  ],
  [
    'inside other words: "hard-working"',
    [
      { message: 'It was a hard-working week', at: at('20') },
      { message: 'Hard-working legs today', at: at('21') },
    ],
    'none',
  ],
  [
    'exhausted and overwhelmed',
    [
      { message: "I'm exhausted after no sleep", at: at('20') },
      { message: 'overwhelmed with everything', at: at('22') },
    ],
    'nudge',
  ],
  [
    'stress words only in the coach replies',
    [
      {
        message: 'What should I eat?',
        reply: 'Stress and anxiety can affect appetite; feeling down is normal.',
        at: at('20'),
      },
      {
        message: 'Any tips for sleep?',
        reply: 'If you are tired or stressed, try winding down.',
        at: at('21'),
      },
    ],
    'none',
  ],
  [
    'one stressed message and one stressed mood day',
    [
      { message: 'having a hard time this week', at: at('20') },
      { mood: 5, stress: 8, at: at('21') },
    ],
    'nudge',
  ],
  [
    'stressed message and stressed mood on the same day',
    [
      { message: 'so anxious today', at: at('21', '09:00') },
      { mood: 5, stress: 8, at: at('21', '21:00') },
    ],
    'none',
  ],
  [
    '"Tough Mudder" twice',
    [
      { message: 'Training for Tough Mudder', at: at('20') },
      { message: 'Tough Mudder tips please', at: at('21') },
    ],
    'none',
  ],
  [
    '"slow down" and "countdown"',
    [
      { message: 'Should I slow down on hills?', at: at('20') },
      { message: 'Race countdown: 5 days', at: at('21') },
    ],
    'none',
  ],
  [
    'anxious and struggling',
    [
      { message: 'anxious about tomorrow', at: at('21') },
      { message: "I'm struggling to sleep", at: at('22') },
    ],
    'nudge',
  ],
  [
    'a hard time and angry',
    [
      { message: 'having a hard time with my boss', at: at('20') },
      { message: 'angry all day', at: at('21') },
    ],
    'nudge',
  ],
  [
    '"stress fracture" twice',
    [
      { message: 'Is this a stress fracture?', at: at('20') },
      { message: 'How long does a stress fracture take?', at: at('22') },
    ],
    'none',
  ],
  [
    '"sadly" twice',
    [
      { message: 'Sadly the gym was closed', at: at('20') },
      { message: 'Sadly no pool today', at: at('21') },
    ],
    'none',
  ],
  [
    'upset, frustrated, tired on three days',
    [
      { message: "I'm upset", at: at('20') },
      { message: 'so frustrated', at: at('21') },
      { message: "I'm tired of everything", at: at('22') },
    ],
    'nudge',
  ],
  [
    'stressed twice but a crisis message in the window',
    [
      { mood: 2, stress: 9, at: at('20') },
      { mood: 2, stress: 9, at: at('21') },
      { message: 'I want to end my life', at: at('22'), crisis: true, success: false },
    ],
    'review',
  ],
  [
    'a crisis message alone',
    [{ message: 'I want to die', at: at('21'), crisis: true, success: false }],
    'review',
  ],
  [
    'a crisis before the window, stressed inside it',
    [
      { message: 'I want to die', at: at('18'), crisis: true, success: false },
      { mood: 2, stress: 9, at: at('20') },
      { mood: 2, stress: 9, at: at('21') },
    ],
    'nudge',
  ],
  [
    'stressed but nudged yesterday',
    [{ mood: 2, stress: 9, at: at('20') }, { mood: 2, stress: 9, at: at('21') }, { nudgeAt: hoursAgo(24) }],
    'none',
  ],
  [
    'stressed and nudged four days ago',
    [{ mood: 2, stress: 9, at: at('20') }, { mood: 2, stress: 9, at: at('21') }, { nudgeAt: hoursAgo(96) }],
    'nudge',
  ],
  [
    'stressed with only a reminder yesterday',
    [
      { mood: 2, stress: 9, at: at('20') },
      { mood: 2, stress: 9, at: at('21') },
      { nudgeAt: hoursAgo(24), type: 'reminder' },
    ],
    'nudge',
  ],
  ['no data at all', [], 'none'],
  [
    'calm scores with worried notes (notes are not messages)',
    [
      { mood: 6, stress: 4, at: at('20'), notes: 'stressed and anxious' },
      { mood: 6, stress: 4, at: at('21'), notes: 'exhausted' },
    ],
    'none',
  ],
  [
    'stressed messages in turns the model failed to answer',
    [
      { message: "I'm so stressed", at: at('20'), success: false },
      { message: 'really overwhelmed', at: at('21'), success: false },
    ],
    'nudge',
  ],
  [
    'three days of stress 10 and mood 1',
    [
      { mood: 1, stress: 10, at: at('20') },
      { mood: 1, stress: 10, at: at('21') },
      { mood: 1, stress: 10, at: at('22') },
    ],
    'nudge',
  ],
  [
    'a calm week of chats',
    [
      { message: 'Great run today!', at: at('20') },
      { message: 'Loved the yoga class', at: at('21') },
      { message: 'What should I eat after a long run?', at: at('22') },
    ],
    'none',
  ],
  [
    'a calm week of check-ins',
    [
      { mood: 8, stress: 3, at: at('20') },
      { mood: 7, stress: 4, at: at('21') },
      { mood: 9, stress: 2, at: at('22') },
    ],
    'none',
  ],
  [
    'negated then a real stressed day',
    [
      { message: 'not stressed at all today', at: at('20') },
      { message: 'stressed out of my mind', at: at('21') },
      { message: 'stressful day at work again', at: at('22') },
    ],
    'nudge',
  ],
  [
    'one stressed day among calm ones',
    [
      { mood: 2, stress: 9, at: at('20') },
      { mood: 8, stress: 2, at: at('21') },
      { message: 'Great session!', at: at('22') },
    ],
    'none',
  ],
];

async function seed(tx: CoachExecutor, userId: string, entries: Entry[]) {
  await tx
    .insertInto('auth.users')
    .values({ id: userId, email: `${userId}@example.com` })
    .execute();
  for (const entry of entries) {
    if ('mood' in entry) {
      await tx
        .insertInto('mood_logs')
        .values({
          user_id: userId,
          mood: entry.mood,
          stress: entry.stress,
          notes: entry.notes ?? null,
          logged_at: entry.at,
        })
        .execute();
    } else if ('message' in entry) {
      // Exactly what /ask stores: the signal is computed from the user's own message when it is written.
      await tx
        .insertInto('ai_coach_logs')
        .values({
          user_id: userId,
          session_id: 's',
          user_message: entry.message,
          ai_response: entry.reply ?? 'ok',
          success: entry.success ?? true,
          issues: entry.crisis ? ['crisis'] : null,
          timestamp: entry.at,
          stress_signal: detectStressSignal(entry.message).stressed,
        })
        .execute();
    } else {
      await tx
        .insertInto('coach_notifications')
        .values({
          user_id: userId,
          message: 'earlier',
          type: entry.type ?? 'ai_coach_proactive',
          created_at: entry.nudgeAt,
        })
        .execute();
    }
  }
}

const userIds = new Map<string, string>();
let result: StatusCheckResult;

async function nudgesOf(userId: string) {
  return asService(t.db, (tx) =>
    tx
      .selectFrom('coach_notifications')
      .select(['message', 'created_at'])
      .where('user_id', '=', userId)
      .where('type', '=', 'ai_coach_proactive')
      .where('message', '<>', 'earlier')
      .execute(),
  );
}

describe('check-user-status over 40+ situations', () => {
  beforeAll(async () => {
    await asService(t.db, async (tx) => {
      for (const [name, entries] of cases) {
        const id = randomUUID();
        userIds.set(name, id);
        await seed(tx, id, entries);
      }
    });
    result = await runStatusCheck(t.ctx, { date: runDate, trigger: 'manual' });
  });

  it('covers at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases.map(([name, , expected]) => ({ name, expected })))(
    '$name → $expected',
    async ({ name, expected }) => {
      const userId = userIds.get(name) ?? '';
      const nudges = await nudgesOf(userId);
      const reviews = await asService(t.db, (tx) =>
        tx
          .selectFrom('coach_reviews')
          .select('id')
          .where('user_id', '=', userId)
          .where('job_run_id', '=', result.run?.id ?? null)
          .execute(),
      );
      expect({ nudged: nudges.length, review: reviews.length }).toEqual({
        nudged: expected === 'nudge' ? 1 : 0,
        review: expected === 'review' ? 1 : 0,
      });
    },
  );

  it('records the run with its window and counts', () => {
    const expected = (kind: Expected) => cases.filter(([, , outcome]) => outcome === kind).length;
    // Users without a profile follow the default zone (Europe/London).
    const london = result.zones.find((zone) => zone.time_zone === 'Europe/London');
    expect(london?.window.days).toEqual(['2026-11-20', '2026-11-21', '2026-11-22']);
    expect(result.nudged).toBe(expected('nudge'));
    expect(result.heldForReview).toBe(expected('review'));
    expect(result.run).toMatchObject({
      name: 'check-user-status',
      slot: runDate,
      status: 'success',
      succeeded: expected('nudge'),
    });
  });

  it('words the nudge after what it saw', async () => {
    const [mood] = await nudgesOf(userIds.get('stress 8 on two days') ?? '');
    const [chat] = await nudgesOf(userIds.get('stressed chat on two days') ?? '');
    const [both] = await nudgesOf(userIds.get('one stressed message and one stressed mood day') ?? '');
    expect(mood?.message).toMatch(/check-ins/);
    expect(chat?.message).toMatch(/chats/);
    expect(both?.message).toMatch(/check-ins and our chats/);
    expect(new Set([mood?.message, chat?.message, both?.message]).size).toBe(3);
  });

  it('changes nothing when the same day runs again', async () => {
    const again = await runStatusCheck(t.ctx, { date: runDate, trigger: 'manual' });
    expect(again.nudged).toBe(0);
    // Everyone the first run looked at is marked checked for that local date.
    expect(again.alreadyChecked).toBe(result.candidates);
    for (const [name, , expected] of cases) {
      expect((await nudgesOf(userIds.get(name) ?? '')).length).toBe(expected === 'nudge' ? 1 : 0);
    }
  });

  it('writes nothing on a dry run', async () => {
    const fresh = randomUUID();
    await asService(t.db, (tx) =>
      seed(tx, fresh, [
        { mood: 2, stress: 9, at: at('20') },
        { mood: 2, stress: 9, at: at('21') },
      ]),
    );
    const runIds = () => asService(t.db, (tx) => tx.selectFrom('job_runs').select('id').execute());
    const runsBefore = await runIds();
    const dry = await runStatusCheck(t.ctx, { date: runDate, trigger: 'manual', dryRun: true });
    expect(dry.nudged).toBeGreaterThanOrEqual(1);
    expect(dry.run).toBeNull();
    expect(await nudgesOf(fresh)).toHaveLength(0);
    expect(await runIds()).toHaveLength(runsBefore.length);
  });
});

describe('check-user-status under concurrency', () => {
  it('lets the database refuse a second nudge when two runs race', async () => {
    const ids = Array.from({ length: 20 }, () => randomUUID());
    await asService(t.db, async (tx) => {
      for (const id of ids)
        await seed(tx, id, [
          { mood: 2, stress: 9, at: at('21') },
          { mood: 2, stress: 9, at: at('22') },
        ]);
    });
    const date = '2026-11-24';
    const [first, second] = await Promise.all([
      runStatusCheck(t.ctx, { date, trigger: 'manual' }),
      runStatusCheck(t.ctx, { date, trigger: 'manual' }),
    ]);
    expect(first.nudged + second.nudged).toBeGreaterThanOrEqual(ids.length);
    for (const id of ids) expect(await nudgesOf(id)).toHaveLength(1);
  });

  it('refuses two overlapping proactive nudges even written directly', async () => {
    const id = randomUUID();
    await asService(t.db, (tx) => seed(tx, id, []));
    const insert = () =>
      asService(t.db, (tx) =>
        tx
          .insertInto('coach_notifications')
          .values({ user_id: id, message: 'hi', type: 'ai_coach_proactive' })
          .execute(),
      );
    await insert();
    await expect(insert()).rejects.toThrow();
  });
});

describe('/ask marks the stress signal on the user message', () => {
  it.each([
    ["I'm so stressed about my exams", true],
    ['How do I download my data?', false],
  ])('%s → %s', async (content, stressed) => {
    const user = await createUser();
    await t.app.inject({
      method: 'POST',
      url: '/ask',
      headers: bearer(user),
      payload: { messages: [{ role: 'user', content }] },
    });
    const rows = await asService(t.db, (tx) =>
      tx.selectFrom('ai_coach_logs').select('stress_signal').where('user_id', '=', user.id).execute(),
    );
    expect(rows).toEqual([{ stress_signal: stressed }]);
  });
});

describe('the window follows London days in summer time', () => {
  it('counts 23:30 UTC as the next London day', async () => {
    const id = randomUUID();
    // 2026-07-11T23:30Z is 00:30 on 12 July in London: inside the window of a 15 July run.
    await asService(t.db, (tx) =>
      seed(tx, id, [
        { mood: 2, stress: 9, at: '2026-07-11T23:30:00Z' },
        { mood: 2, stress: 9, at: '2026-07-13T12:00:00Z' },
      ]),
    );
    await runStatusCheck(t.ctx, { date: '2026-07-15', trigger: 'manual' });
    expect(await nudgesOf(id)).toHaveLength(1);
  });
});
