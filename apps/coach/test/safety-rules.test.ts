import { describe, expect, it } from 'vitest';
import { crisisReply, fallbackReplies, safetyFallbackReply } from '../src/modules/safety/canned-replies.ts';
import { detectCrisis } from '../src/modules/safety/crisis-detector.ts';
import type { ReplyCategory } from '../src/modules/safety/reply-validator.ts';
import { validateReply } from '../src/modules/safety/reply-validator.ts';
import { allowedPhrases, replyRules } from '../src/modules/safety/safety-rules.ts';
import { maskPhrases, negationWindow, normalise, wholeWords } from '../src/modules/safety/text-matcher.ts';

type ReplyCase = readonly [text: string, category: ReplyCategory | null, blocked: boolean];

// null category: ordinary coaching text that older filters wrongly flagged; it must produce no finding at all.
const traps: readonly ReplyCase[] = [
  ['Looking after your mental health is part of training too.', null, false],
  ['Fat loss is slow and steady, and that is fine.', null, false],
  ['Add some healthy fats like olive oil and nuts.', null, false],
  ['Body fat percentage is only one measure of progress.', null, false],
  ["Let's break it down into three small steps.", null, false],
  ['If your form slips, slow down the tempo.', null, false],
  ['You can download your plan from the app.', null, false],
  ['Finish with a five-minute cooldown.', null, false],
  ['Do a proper cool-down after sprints.', null, false],
  ['Quit smoking and your cardio will thank you.', null, false],
  ["Let's target your weak points with accessory work.", null, false],
  ['Your left side is a weak spot, so add single-leg work.', null, false],
  ['Try not to skip breakfast on training days.', null, false],
  ["Don't push through the pain; stop and rest.", null, false],
  ['Check with your GP before fasting for 16 hours.', null, false],
  ['Check with your GP before fasting for 3 days.', null, false],
  ['Obviously rest days matter.', null, false],
  ['You never have to be perfect.', null, false],
  ["I can't stress enough how well you're doing.", null, false],
  ['Never starve yourself to hit a number.', null, false],
  ['Never, ever starve yourself.', null, false],
  ["It's a good idea to talk to your doctor about your medication.", null, false],
  ['Please don’t stop taking your medication without speaking to your GP.', null, false],
  ['Speak to your GP before you change your dose.', null, false],
  ['Ask your GP whether you might have diabetes.', null, false],
  ["It doesn't sound like a stress fracture, but rest it for a few days.", null, false],
  ['Cut yourself some slack this week.', null, false],
  ['Aim for a deficit of about 500 calories a day.', null, false],
  ['Eat 500 calories a day less than you burn.', null, false],
  ['A 500 calorie snack after training is fine.', null, false],
  ["You're crazy strong now!", null, false],
  ['You failed a lift today and that is completely normal.', null, false],
  ["You're not lazy, you're tired.", null, false],
  ['Listen to your body and rest if something feels off.', null, false],
  ['Skipping rope is a brilliant warm-up.', null, false],
  ['Lower the dose of cardio this week.', null, false],
  ['You could hurt yourself if you rush the eccentric.', null, false],
  ["You're fat-adapted after a few weeks.", null, false],
  ['I would never tell you to skip meals.', null, false],
  ['Avoid skipping meals before a long run.', null, false],
  ["There's no need to skip meals to lose fat.", null, false],
  ['Rather than starving yourself, eat more protein.', null, false],
  ["It's a myth that you need to push through the pain.", null, false],
  ['You should have more protein at breakfast.', null, false],
  ["If you skip meals you'll probably feel flat in training.", null, false],
  ['You’ve lost 5kg in a month, brilliant work.', null, false],
];

// Recorded for review but still sent: low and medium severity never block.
const mildHits: readonly ReplyCase[] = [
  ['No excuses this week, you have got this!', 'shaming_tone', false],
  ["Why didn't you log your meals yesterday?", 'shaming_tone', false],
  ['You failed to show up this week.', 'shaming_tone', false],
  ['Just get over it and move on.', 'shaming_tone', false],
  ["You're overweight, so let's start gently.", 'shaming_tone', false],
  ['No pain, no gain!', 'dangerous_training', false],
  ['Keep training on a sprained ankle.', 'dangerous_training', false],
  ['Skip breakfast if you prefer a later eating window.', 'extreme_dieting', false],
  ["Don't eat after 6pm.", 'extreme_dieting', false],
  ['Try a 1,000 calorie diet for a fortnight.', 'extreme_dieting', false],
  ['Fast for a whole day once a week.', 'extreme_dieting', false],
  ['Take some ibuprofen before your session.', 'medical_prescription', false],
];

const blockedHits: readonly ReplyCase[] = [
  ['You might have diabetes.', 'medical_diagnosis', true],
  ['It sounds like you have an eating disorder.', 'medical_diagnosis', true],
  ["You're probably anaemic.", 'medical_diagnosis', true],
  ['Stop taking your medication.', 'medical_prescription', true],
  ['There is no need to see a doctor about that.', 'medical_prescription', true],
  ["You don't need to talk to your doctor about it.", 'medical_prescription', true],
  ['Double your dose of insulin before training.', 'medical_prescription', true],
  ['Try melatonin to sleep better.', 'medical_prescription', true],
  ['Turmeric will cure your arthritis.', 'medical_prescription', true],
  ['Push through the pain.', 'dangerous_training', true],
  ["Don't worry, just push through the pain.", 'dangerous_training', true],
  ['Ignore the pain in your knee and keep squatting.', 'dangerous_training', true],
  ['Keep going even if it hurts.', 'dangerous_training', true],
  ['Just eat 800 calories a day.', 'extreme_dieting', true],
  ['Lose 20 pounds in 2 weeks with this plan.', 'extreme_dieting', true],
  ['Skip breakfast and lunch to speed things up.', 'extreme_dieting', true],
  ['Starve yourself before the weigh-in.', 'extreme_dieting', true],
  ['Do a 3-day water fast.', 'extreme_dieting', true],
  ['Try a 72-hour fast to reset.', 'extreme_dieting', true],
  ['Make yourself sick after big meals.', 'extreme_dieting', true],
  ['Maybe you should just hurt yourself.', 'self_harm_encouragement', true],
  ['You deserve to suffer for skipping the gym.', 'self_harm_encouragement', true],
  ['Nobody would miss you.', 'self_harm_encouragement', true],
  ['You are so lazy.', 'shaming_tone', true],
  ['You’re worthless.', 'shaming_tone', true],
  ["That's pathetic.", 'shaming_tone', true],
  ['Are you retarded?', 'shaming_tone', true],
  ["You're crazy if you think that will work.", 'shaming_tone', true],
];

describe('validateReply', () => {
  it.each(traps)('does not flag %j', (text) => {
    expect(validateReply(text)).toEqual({ findings: [], blocked: false, issues: [] });
  });

  it.each([...mildHits, ...blockedHits])('flags %j as %s (blocked: %s)', (text, category, blocked) => {
    const result = validateReply(text);
    expect(result.findings.map((finding) => finding.category)).toContain(category);
    expect(result.blocked).toBe(blocked);
  });

  it('exercises every rule and every category somewhere in the table', () => {
    const fired = [...mildHits, ...blockedHits].flatMap(([text]) =>
      validateReply(text).findings.map((finding) => finding.ruleId),
    );
    expect(new Set(fired)).toEqual(new Set(replyRules.map((rule) => rule.id)));
  });

  it('formats issues as category:severity and de-duplicates them', () => {
    const result = validateReply('Eat under 900 kcal daily and skip meals. Starve yourself if you have to.');
    expect(result.findings.length).toBeGreaterThanOrEqual(3);
    expect(result.issues).toEqual(['extreme_dieting:high']);
    const mixed = validateReply('You might have diabetes. No excuses!');
    expect(mixed.issues).toEqual(['medical_diagnosis:high', 'shaming_tone:low']);
  });

  it('blocks only when some finding is high severity', () => {
    const mild = validateReply('No excuses, and remember: no pain, no gain.');
    expect(mild.findings.length).toBe(2);
    expect(mild.findings.every((finding) => finding.severity !== 'high')).toBe(true);
    expect(mild.blocked).toBe(false);
    expect(validateReply('No excuses. Push through the pain.').blocked).toBe(true);
  });

  it.each(['', '   ', '\n\t  \n'])('returns nothing for empty text %j', (text) => {
    expect(validateReply(text)).toEqual({ findings: [], blocked: false, issues: [] });
  });
});

const crisisCases: readonly (readonly [text: string, crisis: boolean])[] = [
  ['I want to kill myself', true],
  ["I've been thinking about ending my life", true],
  ['I want to hurt myself', true],
  ["I'm suicidal", true],
  ['Honestly I just want to die', true],
  ['I don’t want to live anymore', true],
  ["I can't go on like this", true],
  ['Everyone would be better off without me', true],
  ["There's no reason to live", true],
  ['I took an overdose last night', true],
  ["I've been self-harming again", true],
  ["I've been trying not to hurt myself", true],
  ['Not gonna lie, I want to die', true],
  ['I keep thinking about suicide', true],
  ['I’m going to end it all tonight', true],
  ['I want to end it.', true],
  ["I don't see the point anymore", true],
  ['suicide sprints', false],
  ['Coach had us doing suicide drills', false],
  ['New deadlift PB today', false],
  ['this workout is killing me', false],
  ["I'd never hurt myself", false],
  ["I'd never want to hurt myself", false],
  ["I'm not suicidal, just exhausted", false],
  ["I'm dying to try that recipe", false],
  ['dead tired after leg day', false],
  ['Killing it at the gym this week', false],
  ['I hurt myself at the gym', false],
  ["I can't go on the treadmill today", false],
  ["I don't want to live on chicken and rice", false],
  ['My friend said she wants to die', false],
  ["I'm raising money for suicide prevention", false],
  ['I overdosed on pre-workout and felt jittery', false],
  ['I cut myself shaving', false],
  ['I ran 10 kms today', false],
];

describe('detectCrisis', () => {
  it.each(crisisCases)('%j -> crisis %s', (text, crisis) => {
    const result = detectCrisis(text);
    expect(result.crisis).toBe(crisis);
    expect(result.matches.length > 0).toBe(crisis);
  });

  it('returns nothing for empty text', () => {
    expect(detectCrisis('  ')).toEqual({ crisis: false, matches: [], rules: [] });
  });
});

describe('text matcher', () => {
  it.each([
    ['down', 'I feel down today', true],
    ['down', 'download the app', false],
    ['down', 'do a cooldown', false],
    ['sad', 'a bit sad today', true],
    ['sad', 'on a crusade', false],
    ['hard', 'hard-working', true],
    ["don't", 'dont skip', true],
  ])('whole word %j in %j -> %s', (word, text, expected) => {
    expect(wholeWords(word).test(normalise(text))).toBe(expected);
  });

  it.each([
    'mental health',
    'fat loss',
    'healthy fats',
    'body fat',
    'break it down',
    'slow down',
    'cool down',
    'cooldown',
    'download',
    'quit smoking',
    'weak points',
    'weak spot',
    'talk to your doctor',
    'consult your GP',
    'check with your doctor',
    'check with your GP',
    'listen to your body',
  ])('allow-lists %j in full', (phrase) => {
    expect(maskPhrases(normalise(phrase), allowedPhrases)).toMatch(/^_+$/);
  });

  it('normalises case, apostrophes and whitespace', () => {
    expect(normalise('  You’RE \u00a0 GREAT\t ')).toBe("you're great");
  });

  it('limits the negation window to the current clause', () => {
    const text = normalise("Don't worry, just push through it");
    expect(negationWindow(text, text.indexOf('push'), 5)).toBe('just');
  });
});

describe('canned replies', () => {
  const fallbacks = Object.values(fallbackReplies);

  it('points people in crisis to UK help', () => {
    for (const needle of ['116 123', '111', '999', 'SHOUT', '85258', 'A&E'])
      expect(crisisReply).toContain(needle);
    expect(crisisReply).toMatch(/\bAI\b/);
  });

  it('suggests a GP when a reply is blocked', () => {
    expect(safetyFallbackReply).toContain('GP');
  });

  it.each([crisisReply, safetyFallbackReply, ...fallbacks])('is plain and kind: %j', (reply) => {
    expect(reply).not.toMatch(/error|exception|undefined|null|NaN|@/i);
    expect(reply.trim().length).toBeGreaterThan(20);
    expect(validateReply(reply).findings).toEqual([]);
  });

  it('covers every unavailability reason', () => {
    expect(Object.keys(fallbackReplies).sort()).toEqual([
      'not_configured',
      'rate_limited',
      'timeout',
      'upstream_error',
    ]);
  });
});
