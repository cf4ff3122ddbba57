/** What /ask says when a budget is spent: no technical wording, and no promise of when it is back. */
export const budgetExhaustedReply: string =
  "I can't chat any more just now: the coach has reached its usage limit for the moment. Please try again later, and we'll pick up where we left off.";
