/** The accounts module as other modules see it: everything else in this folder is its own. */
export { Me, ReasonBody, User, UserId } from './accounts.schema.ts';
export { passwordMatches } from './password-hasher.ts';
export { listRoles } from './roles.repository.ts';
export {
  clearFailures,
  existingUserView,
  type LoginRecord,
  lockLoginRecord,
  loginRecordByEmail,
  recordFailure,
  type UserView,
  userView,
} from './users.repository.ts';
