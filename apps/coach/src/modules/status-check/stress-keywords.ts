/**
 * Wording for the daily status check's stress signal. Data only: stress-signals.ts compiles it with the
 * shared text matcher. Sources are regex fragments matched whole-word against normalised text
 * (lower-case, straight apostrophes, single spaces); "'" is optional when matching, so "im" = "i'm".
 *
 * The keyword list is the deployment guide's (stress, stressed, anxious, anxiety, overwhelmed, tired,
 * exhausted, difficult, tough, hard time, struggling, down, sad, depressed, frustrated, angry, upset)
 * plus inflections, and "feeling low" as the usual British twin of "feeling down". No other synonyms
 * are added on purpose: the signal should stay comparable with the guide's definition.
 */

export type StressKeyword = {
  /** The guide keyword this group stands for; matches report the user's own wording, not the id. */
  readonly id: string;
  readonly sources: readonly string[];
};

// Words that may sit between "feeling" and "down"/"low" without changing the mood.
const INTENSIFIERS =
  '(?:(?:so|really|very|quite|pretty|a bit|a little|a little bit|a tad|bit|kinda|kind of|sort of|super|extremely' +
  '|incredibly|totally|completely|utterly|rather|proper|properly|bloody|fairly|somewhat|seriously|massively' +
  '|just|still|also|even|too|a lot|that) )*';

// "Down" and "low" are everyday words ("sit down", "low carb"), so they only count as a first-person
// state: "I'm down", "feeling really down", "been low".
const FIRST_PERSON_STATE = "(?:feel|feels|feeling|felt|i'm|i am|i was|been)";

// After "down": a weight change ("down 3kg", "down a size"), a direction ("down the road", "down to the
// gym"), willingness ("down for a run") or illness ("down with flu"), never a mood.
const NOT_MOOD_DOWN =
  '(?![- ](?:\\d|(?:for|to|at|the|a|an|here|there|by|from|into|on the|stairs|south|north|under|below)\\b' +
  '|in\\b(?! the dumps)|with (?:a|an|the|flu|covid|cold|bug|virus)\\b))';

// After "low": a quantity running short ("low on sleep") or a diet/training term ("low carb", "low-key").
const NOT_MOOD_LOW =
  '(?![- ](?:on|in|carb|carbs|fat|calorie|calories|cal|cals|sodium|sugar|gi|impact|intensity|key|volume|reps' +
  '|rep|weight|weights|rest)\\b)';

export const stressKeywords: readonly StressKeyword[] = [
  { id: 'stress', sources: ['stress(?:ed|es|ing|ful|y)?'] },
  { id: 'anxious', sources: ['anxious|anxiety|anxieties'] },
  { id: 'overwhelmed', sources: ['overwhelm(?:ed|ing|s)?'] },
  { id: 'tired', sources: ['tired(?:ness)?'] },
  { id: 'exhausted', sources: ['exhaust(?:ed|ing|ion)'] },
  // Bare "difficulty" is a setting ("increase the difficulty"); having it is the signal.
  { id: 'difficult', sources: ['difficult|difficulties|(?:having|have|had|has|with|in) difficulty'] },
  { id: 'tough', sources: ['tough(?:er|est)?'] },
  { id: 'hard time', sources: ['hard times?'] },
  { id: 'struggling', sources: ['struggl(?:e|es|ed|ing)'] },
  {
    id: 'down',
    sources: [
      `${FIRST_PERSON_STATE} ${INTENSIFIERS}down(?: in the dumps)?${NOT_MOOD_DOWN}`,
      // Without a state word; the lookbehind keeps "feeling down in the dumps" one match, not two.
      `(?<!${FIRST_PERSON_STATE} ${INTENSIFIERS})down in the dumps`,
    ],
  },
  {
    id: 'low',
    sources: [
      `${FIRST_PERSON_STATE} ${INTENSIFIERS}low${NOT_MOOD_LOW}`,
      'low (?:mood|spirits)',
      '(?:in|at) a low (?:place|point)',
    ],
  },
  // Adverbs ("sadly", "anxiously") are left out: "sadly the gym was shut" comments on an event.
  { id: 'sad', sources: ['sad|sadder|saddest|sadness'] },
  { id: 'depressed', sources: ['depress(?:ed|ing|ion)'] },
  { id: 'frustrated', sources: ['frustrat(?:ed|ing|ion|ions)'] },
  { id: 'angry', sources: ['angry|angrier|anger|angered'] },
  { id: 'upset', sources: ['upset(?:ting)?'] },
];

// Training words: a tough workout is the point of training, not a bad day.
const TRAINING =
  '(?:workouts?|sessions?|sets?|reps?|runs?|rides?|climbs?|hikes?|class(?:es)?|circuits?|wods?|lifts?|hills?' +
  '|intervals|sprints?|exercises?|leg day|training|programme|program|routine|races?|swims?|spin class|hiit)';
const HARD_ADJECTIVE = '(?:tough(?:er|est)?|(?:more |most )?difficult|hard(?:er|est)?|challenging)';
const BODY_PARTS = '(?:legs|muscles|arms|quads|hamstrings|calves|glutes|shoulders)';
const LOADED = '(?:joints?|knees?|back|spine|tendons?|bones?|muscles?|shoulders?|hips?|ankles?|body)';

/**
 * Ordinary phrases the old substring filter tripped on. They are masked before keywords are matched.
 * Some ("download", "countdown") can no longer match whole-word anyway; they stay as regression guards
 * so widening a keyword later cannot bring the old false positives back.
 */
export const stressAllowedPhrases: readonly string[] = [
  // "down" in coaching and everyday speech.
  'break (?:it|this|that|things|them|everything) down',
  'slow(?:ing|ed|s)? (?:it |things )?down',
  'cool(?:ing)?[- ]?downs?',
  'warm[- ]?downs?',
  'countdowns?|count(?:ing)? down',
  'download(?:s|ed|ing)?',
  'down the (?:road|line|track)',
  'downhill',
  'upside[- ]down',
  'wind(?:ing)? down',
  // Judgement: "calm down" is a coping action, not a mood report; the mood word, if any, still counts.
  'calm(?:ing|ed|s)? (?:myself |me )?down',
  // "tough", "difficult", "hard".
  'tough mudder',
  'tough love',
  'tough (?:cookie|as nails)',
  `${HARD_ADJECTIVE} ${TRAINING}`,
  `${TRAINING} (?:was|is|were|felt|feels|looks) ${INTENSIFIERS}${HARD_ADJECTIVE}`,
  // Judgement: "hard work" is praise; guards against anyone ever adding a bare "hard".
  'hard[- ]?work(?:ing|er|ers)?',
  // "struggled with the last rep" is the training working as intended.
  `struggl(?:e|es|ed|ing) (?:with|on|through) (?:the |my |that |this |those |these |a |an )?(?:last |final |top |heavy |heavier )?${TRAINING}`,
  // Local muscle fatigue after training is not the user being tired.
  `tired ${BODY_PARTS}`,
  `${BODY_PARTS} (?:are|were|feel|felt) ${INTENSIFIERS}tired`,
  // "stress" as load on the body, emphasis, or an injury name.
  'stress (?:fractures?|reactions?|tests?|testing|injur(?:y|ies))',
  '(?:training|mechanical|metabolic|oxidative|heat|thermal|physical|joint) stress',
  `stress(?:es|ing)? (?:on|to|through)? ?(?:the|your|my) ${LOADED}`,
  "(?:can't|cannot|can not) stress (?:this |that |it )?enough",
  'stress (?:the importance|how important)',
  'stress[- ]?free',
  // Judgement: "de-stress" names a coping activity ("a walk to de-stress"), not a stressed state.
  'de-?stress(?:es|ed|ing)?',
  // "upset" as a stomach symptom, "overwhelming" as praise, "depression" as a shoulder-blade cue.
  '(?:upset|upsetting) (?:my |your |the |an )?(?:stomach|tummy|gut)',
  '(?:stomach|tummy|gut) upsets?',
  'overwhelming (?:support|response|majority|love|kindness|success|number)',
  'scapular? depression|depress(?:ing)? (?:the |your )?(?:scapula|scapulae|shoulder blades?)',
];

/** Answers that deny a keyword asked as a question: "Stressed? Not at all." */
export const stressDenials: readonly string[] = ['no', 'nope', 'nah', 'not at all', 'not really', 'never'];

/** A cue within the window before a keyword, in the same clause, cancels it: "no longer anxious". */
export const stressNegationCues: readonly string[] = [
  'not',
  'never',
  'no',
  'no longer',
  'no more',
  'nothing',
  'none',
  "isn't",
  "wasn't",
  "aren't",
  "weren't",
  "ain't",
  "don't",
  "doesn't",
  "didn't",
  "haven't",
  "hasn't",
  "hadn't",
  "won't",
  "wouldn't",
  // "Less stressed than last week" reports improvement, not stress.
  'less',
  'hardly',
  'barely',
  'nor',
  'neither',
  'without',
  'zero',
  'nowhere near',
  'free (?:of|from)',
];

/**
 * Masked out of the window before cues are tested: they contain a cue word but do not deny the mood.
 * The first entry ends a negation's scope at a conjunction, so "I'm not sleeping and so stressed" counts;
 * "so" only ends it when another word follows ("not so stressed" stays negated). "or" keeps the scope:
 * "not tired or stressed".
 */
export const stressPseudoCues: readonly string[] = [
  '^.*(?<![\\p{L}\\p{N}])(?:and|because|cos|coz|cause|since|plus)|^.*(?<![\\p{L}\\p{N}])so(?= \\p{L})',
  // "I've never felt so tired" and "haven't been this stressed in years" intensify.
  'never (?:ever )?(?:been|felt|feel) (?:this|so|more)',
  "(?:haven't|hasn't|have not|has not|not) (?:ever )?(?:been|felt) (?:this|more)",
  // Double negation: "I'm never not tired".
  '(?:never|not) not',
  // Judgement: trying not to stress is managing stress, so it still counts.
  '(?:try|trying|tried|hard) not to',
  'not (?:sure|only|just)',
  "(?:not (?:gonna|going to)|won't) lie",
  "(?:don't|do not|didn't) know",
  'no(?: |-)?one',
  // The cause of the mood, not its absence: "after no sleep I'm exhausted".
  'no (?:idea|wonder|doubt|matter|sleep|rest|time|break|breaks|energy|motivation|help|support|end|let[- ]?up)',
];

/** How many words before a keyword a cue may sit: enough for "I'm not really feeling that ...". */
export const stressNegationWindowWords = 4;
