import { Type } from 'typebox';
import { Email, Password } from '../shared/schema.ts';

export const Reason = Type.String({
  minLength: 1,
  pattern: '\\S',
  maxLength: 1000,
  description: 'Why (recorded in the audit trail)',
});
export const RoleName = Type.String({ pattern: '^[a-z][a-z0-9_-]{1,49}$' });
export const UserId = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const User = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  full_name: Type.String(),
  active: Type.Boolean(),
  mfa_enabled: Type.Boolean(),
  roles: Type.Array(Type.String()),
  lab_ids: Type.Array(Type.String({ format: 'uuid' })),
  locked_until: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String(),
});

export const Me = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  full_name: Type.String(),
  mfa_enabled: Type.Boolean(),
  roles: Type.Array(Type.String()),
  permissions: Type.Array(Type.String()),
  lab_ids: Type.Array(Type.String()),
  amr: Type.Array(Type.String()),
});

export const CreateUserBody = Type.Object(
  {
    email: Email,
    full_name: Type.String({ minLength: 1, pattern: '\\S', maxLength: 200 }),
    password: Password,
    roles: Type.Array(RoleName, { maxItems: 20, uniqueItems: true, default: [] }),
    labs: Type.Optional(
      Type.Array(Type.String({ format: 'uuid' }), {
        minItems: 1,
        maxItems: 100,
        uniqueItems: true,
        description: 'Lab ids; the default lab when omitted',
      }),
    ),
  },
  { additionalProperties: false },
);

export const UpdateUserBody = Type.Object(
  {
    full_name: Type.Optional(Type.String({ minLength: 1, pattern: '\\S', maxLength: 200 })),
    active: Type.Optional(Type.Boolean()),
    reason: Reason,
  },
  { additionalProperties: false, minProperties: 2 },
);

export const ResetPasswordBody = Type.Object(
  { password: Password, reason: Reason },
  { additionalProperties: false },
);
export const ReasonBody = Type.Object({ reason: Reason }, { additionalProperties: false });
export const GrantRoleBody = Type.Object(
  { role: RoleName, reason: Type.Optional(Reason) },
  { additionalProperties: false },
);

export const Role = Type.Object({
  name: Type.String(),
  description: Type.String(),
  permissions: Type.Array(Type.String()),
});
