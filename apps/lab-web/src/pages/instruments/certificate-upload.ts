import { apiErrorOf, ConnectionError } from '../../api/api-error.ts';
import { setReachable } from '../../api/connection-state.ts';
import { accessToken, ensureFreshToken } from '../../session/session-store.ts';
import type { Certificate } from './device-api.ts';

/** What the lab accepts (it reads the type from the content; this only spares a doomed upload). */
export const maxCertificateBytes = 10 * 1024 * 1024;
export const certificateTypes = ['application/pdf', 'image/png', 'image/jpeg'];

/**
 * Uploads a calibration certificate as multipart/form-data (one `file` part), with the access token
 * the way the shared client's download() sends it: openapi-fetch's JSON body does not do files.
 * Answers the new certificate version, or throws an ApiError / ConnectionError like every call.
 */
export async function uploadCertificate(calibrationId: string, file: File): Promise<Certificate> {
  await ensureFreshToken();
  const form = new FormData();
  form.append('file', file, file.name);
  const headers = new Headers();
  const token = accessToken();
  if (token) headers.set('authorization', `Bearer ${token}`);
  let response: Response;
  try {
    response = await fetch(`/api/calibration/${encodeURIComponent(calibrationId)}/certificate`, {
      method: 'POST',
      headers,
      body: form,
    });
  } catch {
    setReachable(false);
    throw new ConnectionError();
  }
  setReachable(true);
  if (!response.ok) throw await apiErrorOf(response);
  return (await response.json()) as Certificate;
}
