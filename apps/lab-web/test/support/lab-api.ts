import { Secret, TOTP } from 'otpauth';

/** A password every policy rule of the lab accepts. */
export const goodPassword = 'Lab-Bench-2026!';

/**
 * The code of an authenticator enrolled with `secret` (base32), as the phone app shows it; `step`
 * 1 is the next 30-second step's (the lab accepts one step of drift), for a second sign-in within
 * the same step, since a code once used is refused.
 */
export function totpCode(secret: string, step = 0): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({
    timestamp: Date.now() + step * 30_000,
  });
}

/**
 * The lab API from the test itself (JSON mode, as any API client): to prepare what a test is not
 * about (a second user, a device) without clicking through it again.
 */
export function labApi(baseUrl: string) {
  const call = async <T>(method: string, path: string, token?: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return {
    call,
    login: async (email: string, password = goodPassword): Promise<string> =>
      (await call<{ access_token: string }>('POST', '/auth/login', undefined, { email, password }))
        .access_token,
    /** Creates an account with roles (as an administrator) and answers its id. */
    createUser: async (
      adminToken: string,
      email: string,
      roles: string[],
      fullName = email,
    ): Promise<string> =>
      (
        await call<{ id: string }>('POST', '/api/admin/users', adminToken, {
          email,
          full_name: fullName,
          password: goodPassword,
          roles,
        })
      ).id,
  };
}
