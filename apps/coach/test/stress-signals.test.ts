import { describe, expect, it } from 'vitest';
import { detectStressSignal, stressMatches } from '../src/modules/status-check/stress-signals.ts';

// Everyday or negated text the old substring filter flagged as stress; none of it may count.
const traps: readonly string[] = [
  // "down"
  'I downloaded the new plan last night.',
  'Can you help me download my progress photos?',
  'Finished with a ten-minute cooldown.',
  'Did a proper cool-down after sprints.',
  'The countdown to my holiday is on!',
  "Let's break it down into three small steps.",
  'I had to slow down on the last mile.',
  'Just need to calm down before bed.',
  'The new gym is just down the road.',
  'It was all downhill from the halfway point.',
  'My sleep schedule is upside down this week.',
  "I'm down 3kg since January!",
  "I'm down for a run tomorrow if you are.",
  'The app was down all morning.',
  'Winding down with a book tonight.',
  // "sad"
  'Reading about the crusades for my history class.',
  'Sadly the pool was closed, so I ran instead.',
  // "stress"
  "I'm not stressed at all.",
  'Stressed? Not at all, feeling great.',
  'Physio thinks it might be a stress fracture.',
  'Booked a cardiac stress test for next month.',
  'Squats put a lot of stress on my knees.',
  "I can't stress enough how much I love this plan.",
  'Going for a walk to de-stress.',
  'It has been a stress-free week.',
  'Less stressed than last week, thankfully.',
  'Not so stressed anymore since I changed jobs.',
  'Nothing stresses me out these days.',
  // "tough", "difficult", "hard"
  'Signed up for Tough Mudder in June!',
  'Coach gave me some tough love about my form.',
  'Great tough workout this morning.',
  'That session was really tough but I loved it.',
  'Can we increase the difficulty of my programme?',
  "She's very hard-working.",
  'All that hard work is paying off.',
  // negation
  'No longer anxious about the race.',
  "I've never been less tired.",
  "I'm not feeling down today.",
  'I’m not feeling down, honestly.',
  "Wasn't tired at all after the run.",
  "I don't feel overwhelmed any more.",
  'No more anxiety since I started running.',
  "I'm not tired or stressed.",
  // inside words and other senses
  'I made an exhaustive list of my meals.',
  'The exhaust fumes on my running route are awful.',
  'My dad retired last year.',
  'Struggled with the last rep on bench.',
  'My legs are so tired after the long run.',
  'Upset stomach after that protein shake.',
  'Thanks for the overwhelming support!',
  'Work on scapular depression during pull-ups.',
  "I'm feeling low on protein this week.",
  'Trying a low carb week.',
  '',
  '   ',
  '\n\t \n',
];

// True hits: [text, the normalised wording reported as matches].
const hits: readonly (readonly [text: string, matches: readonly string[]])[] = [
  ['So stressed about work.', ['stressed']],
  ['I feel really down today.', ['feel really down']],
  ['Exhausted after no sleep.', ['exhausted']],
  ['I am having a hard time at the moment.', ['hard time']],
  ["I'm struggling.", ['struggling']],
  ['Overwhelmed with everything right now.', ['overwhelmed']],
  ['Anxious about tomorrow.', ['anxious']],
  ['Feeling low.', ['feeling low']],
  ['Angry all day.', ['angry']],
  ["I'm stressed, not sleeping.", ['stressed']],
  ['STRESSED OUT!!!', ['stressed']],
  ['I’m so stressed', ['stressed']],
  ["It's a stressful job.", ['stressful']],
  ['Work was stressful but I’m not stressed now.', ['stressful']],
  ['Not stressed, just tired.', ['tired']],
  ["I'm a bit down today.", ["i'm a bit down"]],
  ['Been feeling down in the dumps.', ['feeling down in the dumps']],
  ['Bit down in the dumps today.', ['down in the dumps']],
  ["I've been really low lately.", ['been really low']],
  ['My anxiety is through the roof.', ['anxiety']],
  ["I'm not sleeping and so stressed.", ['stressed']],
  ["I didn't sleep so I'm exhausted.", ['exhausted']],
  ['I have no idea why I feel this anxious.', ['anxious']],
  ["I've never felt so tired.", ['tired']],
  ["I haven't been this stressed in years.", ['stressed']],
  ["I'm never not tired these days.", ['tired']],
  ['Trying not to stress about the race.', ['stress']],
  ["I'm tired of waiting for things to get better.", ['tired']],
  ["It's been a difficult week at home.", ['difficult']],
  ['Having difficulty sleeping.', ['having difficulty']],
  ['Today was tough.', ['tough']],
  ['So sad about my nan.', ['sad']],
  ['This weather is depressing.', ['depressing']],
  ['Really frustrated with my progress.', ['frustrated']],
  ['Upset about the weigh-in.', ['upset']],
  ['Struggling to find time for anything.', ['struggling']],
  ['Overwhelming week, totally exhausting.', ['overwhelming', 'exhausting']],
  ['Stressed? Yes, very.', ['stressed']],
];

describe('detectStressSignal', () => {
  it.each(traps)('does not count %j', (text) => {
    expect(detectStressSignal(text)).toEqual({ stressed: false, matches: [] });
  });

  it.each(hits)('counts %j', (text, matches) => {
    expect(detectStressSignal(text)).toEqual({ stressed: true, matches });
  });

  it('agrees with stressMatches', () => {
    const text = 'Anxious and angry, and so tired.';
    expect(stressMatches(text)).toEqual(['anxious', 'angry', 'tired']);
    expect(detectStressSignal(text).matches).toEqual(stressMatches(text));
  });
});
