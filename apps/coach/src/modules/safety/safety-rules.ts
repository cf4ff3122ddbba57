import type { NegationConfig, PatternRule } from './text-matcher.ts';
import { wholeWords as w } from './text-matcher.ts';

/**
 * The single source of safety wording. Sources are regex fragments compiled whole-word against
 * normalised (lower-case, straight-apostrophe, single-spaced) text; "'" is optional when matching.
 */

export type ReplyCategory =
  | 'medical_diagnosis'
  | 'medical_prescription'
  | 'extreme_dieting'
  | 'dangerous_training'
  | 'self_harm_encouragement'
  | 'shaming_tone';

export type Severity = 'low' | 'medium' | 'high';

export type ReplyRule = PatternRule & { readonly category: ReplyCategory; readonly severity: Severity };
export type CrisisRule = PatternRule;

const rule = (
  id: string,
  category: ReplyCategory,
  severity: Severity,
  sources: readonly string[],
  negationProof = false,
): ReplyRule => ({ id, category, severity, patterns: sources.map(w), negationProof });

// Shared vocabulary, kept as fragments so each rule reads like the sentence it catches.
const HEDGE = '(?:might|may|could|must|probably|likely|definitely|clearly|obviously|almost certainly)';
const CONDITION =
  '(?:an? )?(?:(?:type (?:1|2|one|two) )?diabetes|pre-?diabetes|(?:\\p{L}+ )?(?:disorder|syndrome|deficiency|disease|infection)' +
  '|anorexia|bulimia|pcos|hypothyroidism|hyperthyroidism|(?:under|over)active thyroid|thyroid (?:problem|issue|condition)' +
  '|insulin resistance|ibs|coeliac|celiac|clinical depression|depression|adhd|ocd|ptsd|bipolar|arthritis|osteoporosis' +
  '|fibromyalgia|hernia|(?:stress )?fracture|torn \\p{L}+|(?:ligament|muscle|tendon|meniscus|acl|rotator cuff) tear' +
  '|tendinitis|tendonitis|sciatica|slipped disc|herniated disc|concussion|heart (?:condition|problem)' +
  '|high blood pressure|hypertension|asthma|anaemia|anemia|sleep apnoea|sleep apnea|cancer|tumou?r|long covid)';
const CONDITION_ADJ =
  '(?:diabetic|pre-?diabetic|anorexic|bulimic|bipolar|depressed|clinically depressed|anaemic|anemic|hypothyroid' +
  '|insulin resistant|iron deficient|vitamin d deficient)';
const MEDS =
  '(?:medications?|medicines?|meds|pills|tablets|prescriptions?|insulin|antidepressants|inhalers?|statins|metformin' +
  '|thyroxine|levothyroxine|beta blockers|the pill)';
const RX_DRUGS =
  '(?:antidepressants|antibiotics|sleeping (?:pills|tablets)|melatonin|metformin|statins|beta blockers|insulin|steroids' +
  '|sarms|clenbuterol|clen|codeine|tramadol|diazepam|valium|xanax|sertraline|fluoxetine|prozac|propranolol|ozempic' +
  '|wegovy|mounjaro|semaglutide|tirzepatide|phentermine|thyroxine|levothyroxine|hrt|testosterone|trt' +
  '|more (?:medication|meds|pills|tablets))';
const POSS = '(?:(?:your|the|all your|all of your|any|those|these|that) )?';
const PROFESSIONAL =
  '(?:doctor|gp|nurse|pharmacist|medical professional|medical advice|medical help|a&e|111|hospital)';
const MEAL = '(?:breakfast|lunch|dinner|supper|tea)';
const N_UNDER_1000 = '[1-9]\\d{0,2}';
const N_UNDER_1200 = '(?:1[01]\\d\\d|1,[01]\\d\\d)';
const KCAL = ' ?(?:calories|calorie|kcals?|cals?)';
// "eat 500 calories a day less than you burn" is a deficit, not a cap.
const PER_DAY =
  '(?:(?:a|per|each|every) day|daily)(?! (?:less|fewer|more|extra|below|under|above|over|from|of))';
const EAT =
  '(?:eat|eating|consume|consuming|stick to|sticking to|limit yourself to|limiting yourself to|keep it (?:to|under|below)' +
  '|cut (?:down )?to|cutting (?:down )?to|drop to|dropping to|get by on|live on|living on|survive on|surviving on' +
  '|aim for|go down to|restrict yourself to|restricting yourself to)';
const LIMIT =
  '(?:only|just|no more than|not more than|under|less than|fewer than|below|a maximum of|max|at most)';
const ROUGHLY = '(?:(?:around|about|roughly|approximately) )?';
// Ordinary deficit talk ("a deficit under 500 calories a day", "burn 500 calories a day") is not a cap.
const NOT_DEFICIT = '(?<!(?:deficit|surplus|burn|burns|burning|burned|burnt|snack|meal|of) )';
const calorieCap = (n: string): string[] => [
  `${EAT} (?:${LIMIT} )?${ROUGHLY}${n}${KCAL} ${PER_DAY}`,
  `${EAT} ${LIMIT} ${ROUGHLY}${n}${KCAL}`,
  `${NOT_DEFICIT}${LIMIT} ${ROUGHLY}${n}${KCAL} ${PER_DAY}`,
  `${n}[- ]?(?:calorie|kcal|cal)s?(?: a day| per day| daily)? (?:diet|meal plan|plan|limit|cap)`,
];
// Not "lost": praising loss that already happened is not advice to chase it.
const LOSE = '(?:lose|losing|drop|dropping|shed|shedding|cut|get rid of)';
const ABOUT = '(?:(?:around|about|over|at least|up to|a good) )?';
const BIG_LOSS =
  '(?:(?:[5-9]|[1-9]\\d)(?:\\.\\d+)? ?(?:kg|kgs|kilos|kilograms)|(?:five|six|seven|eight|nine|ten|fifteen|twenty) (?:kg|kilos)' +
  '|[1-9]\\d(?:\\.\\d+)? ?(?:lbs?|pounds)|(?:ten|twelve|fifteen|twenty|thirty) (?:lbs?|pounds)' +
  '|(?:\\d+(?:\\.\\d+)?|a|one|two|three|half a) ?(?:stone|st))';
const ANY_LOSS =
  '(?:\\d+(?:\\.\\d+)? ?(?:kg|kgs|kilos?|kilograms|lbs?|pounds|stone|st)|(?:a|one|two|three|five|ten) (?:kg|kilos?|pounds?|stone))';
const FEW_WEEKS = '(?:(?:a|one|two|three|[1-3]) weeks?|a fortnight)';
const MONTH_LOSS =
  '(?:(?:[7-9]|[1-9]\\d) ?(?:kg|kgs|kilos)|(?:1[5-9]|[2-9]\\d) ?(?:lbs?|pounds)|(?:[1-9]\\d*|one|two|three) ?(?:stone|st))';
const FEW_DAYS = '(?:(?:a|one|two|three|four|five|six|[1-6]) days?|a weekend|(?:24|48|72) hours)';
const WITHIN = ' (?:of (?:fat|weight) )?(?:in|within|over) (?:just |only |under |less than )?';
const LONG_FAST =
  '(?:(?:[2-9]|1\\d) days|(?:two|three|four|five|six|seven|ten) days|a (?:whole )?week|(?:3[6-9]|[4-9]\\d|1\\d\\d) ?(?:hours|hrs|h))';
const INTENSIFIERS =
  '(?: (?:just|so|really|being|completely|totally|pretty|honestly|clearly|simply|such|very|way|too|seriously))*';
const INSULTS =
  '(?:lazy|pathetic|worthless|disgusting|useless|hopeless|failure|spineless|gross|loser|waste of space|fat|fatty' +
  '|fatso|joke|embarrassment|embarrassing|stupid|idiot)';
const YOURSELF = '(?:yourself|urself)(?! (?:some|a little|a bit of|any) slack| a break| off)';
const CLAUSE_END = '(?=\\s*(?:$|[.!?,;:]|for |to |if |and |but |because ))';

export const replyRules: readonly ReplyRule[] = [
  rule('diagnosis-hedged', 'medical_diagnosis', 'high', [
    `you(?:'ve| have)? (?:${HEDGE} )+(?:have|have got|got|be suffering from|suffer from|be developing|be showing signs of) ${CONDITION}`,
    `you(?:'re| are)? (?:${HEDGE} )+(?:be )?${CONDITION_ADJ}`,
    `(?:sounds?|looks?|seems?)(?: to me)? like (?:you(?:'ve| have)? (?:got |have |are suffering from |${HEDGE} have )?)?${CONDITION}`,
    `(?:i think|i suspect|i reckon|i believe|i'd say|i'm sure|chances are) you(?:'ve got| have| have got| are suffering from| ${HEDGE} have) ${CONDITION}`,
    "i (?:would |can |could )?diagnose|my diagnosis (?:is|would be)|i'm diagnosing",
  ]),
  rule('medication-change', 'medical_prescription', 'high', [
    `(?:stop|stopping|quit|quitting|come off|coming off|cut out|ditch|drop|skip|skipping|miss|missing|wean yourself off|cut back on|cut down on|reduce|reducing|lower|lowering|halve|halving|increase|increasing|double|doubling|up|upping|raise|raising|change|changing|adjust|adjusting) (?:taking |using )?${POSS}(?:(?:dose|dosage|doses)(?! of (?!${POSS}${MEDS}))|${MEDS})`,
    `(?:take|taking|start|starting|start taking|try|trying|try taking|get yourself|you should be on|go on) (?:some |a course of |a |an |extra |double |a double dose of |a higher dose of |\\d+ ?(?:mg|g|tablets|pills) (?:of )?)?${RX_DRUGS}`,
  ]),
  rule(
    'medication-dismissal',
    'medical_prescription',
    'high',
    [
      `(?:no need|there's no need|no real need|you don't need|you do not need|you won't need|don't bother|do not bother|no point) (?:to )?(?:(?:see|seeing|speak to|speaking to|talk to|talking to|visit|visiting|call|calling|contact|contacting|go to|going to|bother|check with|consult|ring) )?(?:for )?(?:a |an |your |the )?${PROFESSIONAL}`,
      `(?:ignore|disregard) (?:your |the |what your )?(?:doctor|gp|consultant)(?:'s (?:advice|orders))?`,
      `you don't need ${POSS}${MEDS}|don't bother (?:taking|with) ${POSS}${MEDS}|doctors don't know`,
    ],
    true,
  ),
  rule('supplement-cure', 'medical_prescription', 'high', [
    '(?:supplements?|vitamins?|\\p{L}+ (?:oil|extract|powder|tea)|apple cider vinegar|turmeric|ashwagandha|magnesium|zinc) (?:will|can|is going to|should|could) (?:cure|heal|reverse)',
    '(?:cures?|natural cure for) (?:your )?(?:diabetes|depression|anxiety|cancer|arthritis|high blood pressure|pcos|ibs)',
  ]),
  rule('painkiller-advice', 'medical_prescription', 'medium', [
    '(?:take|taking|pop|popping|try) (?:some |a couple of |a |an |two |\\d+ ?(?:mg )?(?:of )?)?(?:ibuprofen|paracetamol|aspirin|naproxen|nurofen|co-codamol|painkillers|anti-inflammatories)',
  ]),
  rule('skip-meals', 'extreme_dieting', 'high', [
    `skip(?:ping)? (?:your |all your |all )?(?:meals|every meal|${MEAL},? (?:and|&) ${MEAL})`,
  ]),
  rule('skip-one-meal', 'extreme_dieting', 'medium', [
    `skip(?:ping)? (?:your |a |the |one )?(?:breakfast|lunch|dinner|supper|meal)(?!,? (?:and|&|or) ${MEAL})`,
  ]),
  rule('very-low-calorie', 'extreme_dieting', 'high', calorieCap(N_UNDER_1000)),
  rule('low-calorie', 'extreme_dieting', 'medium', [...calorieCap(N_UNDER_1200), 'very low calorie diet']),
  rule('rapid-weight-loss', 'extreme_dieting', 'high', [
    `${LOSE} ${ABOUT}${BIG_LOSS}${WITHIN}${FEW_WEEKS}`,
    `${LOSE} ${ABOUT}${ANY_LOSS}${WITHIN}${FEW_DAYS}`,
    `${LOSE} ${ABOUT}${MONTH_LOSS}${WITHIN}(?:a|one|1) month`,
  ]),
  rule('starvation', 'extreme_dieting', 'high', [
    "starv(?:e|ing) yourself|starvation (?:diet|levels?)|(?:just|you should|it's fine to|it's ok to|let yourself) go hungry|eat (?:nothing|as little as (?:possible|you can))",
    `(?:don't|do not) eat (?:anything |at all )?(?:for (?:a|the|one|two|three|\\d+) (?:whole )?days?|for the rest of the day)`,
    'stop eating (?:altogether|completely|entirely|for (?:a|one|two|three|\\d+) days?)',
    '(?:only|just) (?:drink|have) (?:water|black coffee|juice) (?:and nothing else|for (?:a|the|\\d+|two|three) (?:day|days|week))',
  ]),
  rule('purging', 'extreme_dieting', 'high', [
    'make yourself (?:sick|throw up|vomit)|binge and purge|purg(?:e|ing) (?:after (?:meals|eating|food)|what you eat|your food)',
    '(?:use|take|try|using|taking) (?:some )?(?:laxatives|diuretics|water pills|diet pills)',
  ]),
  rule('long-fast', 'extreme_dieting', 'high', [
    `(?:fast|fasting|water fast|water fasting|dry fast|dry fasting|juice fast|go without food) (?:for )?${LONG_FAST}`,
    '(?:(?:[2-9]|1\\d)[- ]?days?|(?:3[6-9]|[4-9]\\d|1\\d\\d)[- ]?(?:hours?|hrs?|h))[- ](?:water |juice |dry )?fast',
  ]),
  rule('day-fast', 'extreme_dieting', 'medium', [
    '(?:fast|fasting) for (?:a (?:whole |full )?day|24 ?(?:hours|hrs|h)|one day)',
  ]),
  rule('food-rules', 'extreme_dieting', 'low', [
    "(?:don't|do not|never|stop|no) (?:eat|eating|food|snacks?|snacking|carbs?)(?: anything)? (?:after|past) (?:\\d{1,2}(?::\\d\\d)? ?(?:pm|o'clock)?|dark|sunset|dinner|tea)",
    'cut out (?:all )?carbs(?: completely| entirely)?|zero carbs|no carbs at all|fat burners',
  ]),
  rule('train-through-pain', 'dangerous_training', 'high', [
    '(?:push|pushing|power|powering|work|working|grind|grinding|play|playing|train|training|run|running|lift|lifting|fight|fighting|muscle) (?:it )?through (?:the |any |your |that |this |some )?(?:sharp |joint |chest |knee |back |shoulder |severe )?(?:pain|injury|injuries|dizziness)',
    '(?:train|training|exercise|exercising|work out|working out|lift|lifting|run|running|play|playing) (?:on|with|despite) (?:a |an |the |that |your )?(?:concussion|chest pain|fever|broken \\p{L}+|(?:stress )?fracture)',
    'ignor(?:e|ing) (?:the |any |that |this |your |those )?(?:sharp |chest |joint |severe )?(?:pain|pains|injury|injuries|dizziness|symptoms|warning signs)',
    "(?:keep|carry on|continue|push on)(?: \\p{L}+)? even (?:if|when|though) (?:it(?:'s)? (?:hurts?|painful)|you(?:'re| are)? (?:hurt|in pain|dizzy|injured))",
    '(?:exercise|train|run|lift) (?:until|till) you (?:pass out|faint|throw up|vomit|puke|collapse)',
  ]),
  rule('train-injured', 'dangerous_training', 'medium', [
    '(?:train|training|keep training|run|running|lift|lifting) (?:on|with|despite) (?:a |an |the |that |your )?(?:injury|injured \\p{L}+|torn \\p{L}+|sprain(?:ed \\p{L}+)?)',
    "(?:work out|exercise|train|training|working out|exercising) (?:while|when) (?:you(?:'re| are) )?(?:sick|ill|feverish|dizzy|faint)",
  ]),
  rule('pain-cliches', 'dangerous_training', 'medium', [
    'no pain,? no gain|pain is (?:just )?weakness leaving the body',
    "(?:skip|skipping) rest days|rest days are for the weak|(?:never|don't) take (?:a )?rest days?|max out every (?:day|session|workout)",
  ]),
  rule('self-harm', 'self_harm_encouragement', 'high', [
    'kill (?:yourself|urself)|kys|end your (?:own )?life|take your (?:own )?life|end it all|(?:you should|you might as well|may as well|go|just go) die',
    'you deserve(?:d)? (?:to (?:suffer|be punished|feel pain|hurt|die|starve|be in pain)|(?:the |this |that )?(?:pain|suffering|punishment))',
    `(?:should|must|need to|ought to|could always|might as well|may as well|deserve to|it's (?:ok|okay|fine|alright|normal) to|try to|go and|go|just) (?:hurt|harm|cut|burn|punish|injure) ${YOURSELF}`,
    `(?<=(?:^|[.!?;:,\\n]) ?)(?:hurt|harm|cut|burn|punish) ${YOURSELF}`,
    'self[- ]?harm(?:ing)? (?:is|can be|might be|could be) (?:a |an )?(?:good|healthy|helpful|valid|fine|okay|ok|useful)|self[- ]?harm(?:ing)? (?:will|might|can|could) help',
    "(?:nobody|no one) would (?:miss|care about) you|(?:the world|everyone|everybody|your family) (?:would be|is|'d be) better (?:off )?without you",
    "you(?:'d| would|'re| are) better off dead|suicide is (?:the|an|a|your) (?:answer|option|solution|way out)",
  ]),
  rule('insult', 'shaming_tone', 'high', [
    `you(?:'re| are)${INTENSIFIERS}(?: an?| such an?)? ${INSULTS}`,
    `you (?:lazy|fat|pathetic|useless|stupid) \\p{L}+|(?:that's|that is|how) pathetic`,
    '(?:your (?:body|belly|stomach|thighs|arms|legs|figure) (?:is|looks|are|look) (?:disgusting|gross|hideous|horrible|fat))|you look (?:disgusting|gross|fat|hideous|huge|like a whale)',
  ]),
  rule('ableist-slur', 'shaming_tone', 'high', [
    'retard(?:ed|s)?|spaz|spastic|psychos?|mong|schizo|cripple|nutter|loony|lunatic',
    `(?:you(?:'re| are)${INTENSIFIERS}|are you) (?:crazy|insane|mental|nuts|deranged|unhinged|a nutcase|delusional)${CLAUSE_END}`,
  ]),
  rule('weight-label', 'shaming_tone', 'medium', [
    `you(?:'re| are)(?: (?:so|really|very|clearly|obviously|quite|pretty|a bit|way|too|technically|currently|still|seriously|massively|extremely))* (?:overweight|obese|morbidly obese|too heavy|too big|chubby|chunky|flabby)`,
  ]),
  rule('dismissive', 'shaming_tone', 'medium', [
    "(?:just )?get over it|it's (?:all )?in your head|(?:stop|quit) being (?:so )?(?:sad|dramatic|emotional|negative|sensitive|soft|weak|a baby|a wimp)",
    "man up|toughen up|snap out of it|stop (?:moaning|whining|complaining|crying|feeling sorry for yourself)|you're overreacting|other people have it worse",
  ]),
  rule('blame', 'shaming_tone', 'medium', [
    `you(?:'ve| have)? failed(?! (?:a |an |the |your |that |this |one |two |\\d+ )?(?:lift|rep|reps|set|sets|attempt|attempts|pr|pb|squat|bench|press|deadlift|last))`,
    "you let yourself (?:go|down)|you(?:'ve| have) let yourself (?:go|down)|(?:you )?only have yourself to blame|your own fault|you blew it|you ruined (?:it|everything|your progress)",
  ]),
  rule('pressure', 'shaming_tone', 'low', [
    "no excuses|why didn't you|why haven't you|try harder",
    "you should(?: have|'ve) (?:known better|done (?:better|more|it)|tried harder|listened|stuck to|started|eaten|trained|gone|been|worked|planned|prepared|stopped|avoided|thought)",
  ]),
];

/** Ordinary phrases that older substring filters tripped on; masked before reply rules run. */
export const allowedPhrases: readonly RegExp[] = [
  'mental (?:health|wellbeing|well-being)',
  'fat loss',
  'healthy fats?',
  'body fat',
  'dietary fats?',
  'good fats?',
  'fat[- ]?adapted',
  'fat[- ]burning',
  'break (?:it|this|that|things|them) down',
  'slow (?:it )?down',
  'cool[- ]?downs?',
  'wind down',
  'downloads?',
  'quit(?:ting)? smoking',
  'stop(?:ping)? smoking',
  'weak (?:points?|spots?|links?|side)',
  'talk to your (?:doctor|gp)',
  'speak (?:to|with) your (?:doctor|gp|pharmacist)',
  'consult (?:your|a) (?:gp|doctor)',
  'check with your (?:doctor|gp|pharmacist)',
  'listen to your body',
  'psycho-?social',
].map(w);

/**
 * Negation and deferral cues: a cue within the window before a hit cancels it. "$" anchors a cue
 * to sit directly before the hit ("stop skipping meals", "if you skip meals", "before fasting").
 */
export const negationCues: readonly RegExp[] = [
  'not',
  'never',
  "don't",
  "doesn't",
  "didn't",
  "shouldn't",
  "won't",
  "wouldn't",
  "can't",
  'cannot',
  "mustn't",
  "isn't",
  "aren't",
  'no need to',
  'no reason to',
  'no more',
  'no longer',
  '(?:nobody|no one|no-one) should',
  'avoid',
  'avoiding',
  'instead of',
  'rather than',
  'against',
  'without',
  'myth',
  'unsafe',
  'risky',
  'harmful',
  '(?:dangerous|bad idea|mistake|unhealthy) to',
  // Deferring to a professional ("ask your GP whether to change your dose") is not advice to do it.
  '(?:gp|doctor|pharmacist|physio|physiotherapist|dietitian|dietician|consultant|nurse|prescriber|healthcare professional|medical professional)',
  'whether',
  '(?:stop|quit)$',
  'if(?: you)?$',
  'before(?: (?:you|starting|trying|changing|making|attempting|doing|any))?$',
].map(w);

export const replyNegation: NegationConfig = {
  cues: negationCues,
  pseudoCues: [
    '(?<!(?:do|does|did|should|must|will|would|can) )not (?:only|just)',
    "(?:can't|cannot) (?:stress|emphasise|emphasize) (?:this |it )?enough",
    'no matter',
  ].map(w),
  windowWords: 5,
};

const crisis = (id: string, sources: readonly string[], negationProof = false): CrisisRule => ({
  id,
  patterns: sources.map(w),
  negationProof,
});
const ME = '(?:myself|my self|meself)';
const HARM_VERB =
  '(?:hurt(?:ing)?|harm(?:ing)?|cut(?:ting)?|burn(?:ing)?|punish(?:ing)?|injur(?:e|ing)|starv(?:e|ing))';
const PILLS = '(?:pills|tablets|meds|medication|paracetamol|painkillers|insulin|sleeping pills)';

/** First-person crisis language in user messages. Third-person verb forms ("she wants to die") do not match. */
export const crisisPatterns: readonly CrisisRule[] = [
  crisis('suicide', [
    'suicid(?:e|al)',
    // "kms" after a number is kilometres, not "kill myself".
    `kill(?:ing|ed)? ${ME}|(?<!\\d ?)kms|unalive ${ME}|hang(?:ing)? ${ME}`,
    '(?:end|ending|ended|take|taking|took) (?:my|my own) life|end(?:ing)? it all|end it (?:tonight|today|now)',
    '(?:want|wanna|going|gonna|ready) to end it(?=\\s*(?:$|[.!?,;]))|(?:done with|tired of|sick of) (?:life|living)',
    `(?:jump|jumping|throw|throwing) (?:${ME} )?(?:off|in front of) (?:a|the) (?:bridge|building|roof|train|car|bus|lorry)`,
  ]),
  crisis('wish-to-die', [
    '(?:want|wanna|wanted|wanting|wish|wishing|ready|prefer|rather|plan|planning) (?:to )?die',
    '(?:wish|wishing) i (?:was|were|could be) dead|want to be dead|better off dead',
    "(?:everyone|everybody|they|the world|my family|people)(?:'d| would)? be better (?:off )?without me",
    "nothing (?:left )?to live for|wish i (?:could )?(?:just )?disappear|(?:wish|wishing) i (?:had never been|was never|wasn't) born",
  ]),
  crisis('self-harm', [
    'self[- ]?harm(?:ing|ed|s)?|self[- ]?injur(?:y|e|ing|ed)',
    `(?:want|wanted|wanna|going|gonna|need|needed|urges?|tempted|feel like|felt like|(?:thinking|thought|think) (?:about|of)|planning|plan|ready|trying not) (?:to )?${HARM_VERB} ${ME}`,
    `(?:been|keep|kept|started|start|stop|stopped|still) (?:hurting|harming|cutting|burning|punishing|starving) ${ME}`,
    `${HARM_VERB} ${ME} (?:again|on purpose|deliberately)`,
  ]),
  crisis('overdose', [
    '(?:take|taking|took|planning|plan|(?:thinking|thought) about|going to|gonna) (?:an )?overdose',
    `overdos(?:e|ed|ing) on (?:my |the |some |all )?${PILLS}`,
    `(?:take|swallow|taking|swallowing|took|swallowed) all (?:of )?(?:my|the) ${PILLS}`,
  ]),
  // These carry their own negation, so the negation cues must not cancel them.
  crisis(
    'hopeless',
    [
      'no (?:reason|point) (?:to|in) (?:live|living|go on|going on|carry on|carrying on|be alive|being alive|being here|wake up|waking up)',
      "(?:not|isn't|no longer) worth living",
      "(?:can't|cannot|can not) (?:go on|carry on|keep going|cope)(?: (?:like this|anymore|any more|any longer))",
      "(?:can't|cannot) (?:go|carry) on(?=\\s*(?:$|[.!?,;]))",
      "(?:don't|do not) want to (?:live|be alive|exist|wake up)(?! (?:on|off|with|in|at|near|by))",
      "(?:don't|do not) want to be here (?:anymore|any more)",
      "(?:don't|do not|can't) see the point (?:anymore|any more|in living|of living|in anything|in going on)",
    ],
    true,
  ),
];

/** Gym slang and idioms that share words with crisis language. */
export const crisisAllowedPhrases: readonly RegExp[] = [
  'suicide (?:sprints?|drills?|runs?|shuttles?|grip|squeeze|squats?|burpees?|prevention|awareness)',
  'killing it',
  'killing me',
  'dying to',
  'dead tired',
  'to die for',
  'die laughing',
  'dead ?lifts?',
  'dead (?:bugs?|hangs?)',
].map(w);

export const crisisNegation: NegationConfig = {
  cues: ['not', 'never', "don't", "won't", "wouldn't", 'no longer', "isn't", "aren't"].map(w),
  // "Trying not to hurt myself" and "not sure I want to live" are crisis signals, not denials.
  pseudoCues: [
    'not (?:sure|that|like|just|only)',
    "(?:don't|do not) know",
    'not (?:gonna|going to) lie',
    '(?:try|trying|tried|struggling|struggle|hard) not to',
    "(?:can't|cannot) stop",
    'never (?:felt|been|thought)',
  ].map(w),
  windowWords: 3,
};
