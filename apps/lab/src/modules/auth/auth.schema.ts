import { Type } from 'typebox';
import { Code, Email, Password } from '../shared/schema.ts';

/** `cookie`: a browser session (the refresh token in an HttpOnly cookie, see browser-session.ts). */
const SessionMode = Type.Optional(
  Type.Union([Type.Literal('token'), Type.Literal('cookie')], {
    description:
      'token (default): the refresh token in the answer; cookie: in an HttpOnly cookie, with a CSRF token',
  }),
);

export const LoginBody = Type.Object(
  { email: Email, password: Password, session: SessionMode },
  { additionalProperties: false },
);

export const TokenPairReply = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('bearer'),
  expires_in: Type.Integer(),
  refresh_token: Type.String(),
});

export const BrowserTokensReply = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('bearer'),
  expires_in: Type.Integer(),
  csrf_token: Type.String({ description: 'send it as X-CSRF-Token to /auth/refresh and /auth/logout' }),
});

export const SessionReply = Type.Union([TokenPairReply, BrowserTokensReply]);

export const MfaRequiredReply = Type.Object({
  mfa_required: Type.Literal(true),
  mfa_token: Type.String(),
});

export const MfaBody = Type.Object(
  { mfa_token: Type.String({ minLength: 1, maxLength: 2000 }), code: Code, session: SessionMode },
  { additionalProperties: false },
);

export const RefreshBody = Type.Object(
  {
    refresh_token: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'JSON mode; a browser session sends {} with its cookie and the X-CSRF-Token header',
      }),
    ),
  },
  { additionalProperties: false },
);

export const SetupBody = Type.Object(
  {
    setup_token: Type.String({ minLength: 1, maxLength: 200 }),
    email: Email,
    full_name: Type.String({ minLength: 1, pattern: '\\S', maxLength: 200 }),
    password: Password,
  },
  { additionalProperties: false },
);

export const PasswordChangeBody = Type.Object(
  { current_password: Password, new_password: Password, code: Type.Optional(Code) },
  { additionalProperties: false },
);

export const EnrolBody = Type.Object({ password: Password }, { additionalProperties: false });
export const EnrolReply = Type.Object({
  otpauth_uri: Type.String(),
  qr_png: Type.String({ description: 'data:image/png;base64 URL of the QR code' }),
});
export const ConfirmBody = Type.Object({ code: Code }, { additionalProperties: false });
export const RecoveryCodesReply = Type.Object({
  recovery_codes: Type.Array(Type.String(), { description: 'Shown once; store them somewhere safe' }),
});
export const DisableBody = Type.Object({ password: Password, code: Code }, { additionalProperties: false });
