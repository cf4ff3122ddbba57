import { upload } from '../../api/client.ts';
import type { Certificate } from './device-api.ts';

/** What the lab accepts (it reads the type from the content; this only spares a doomed upload). */
export const maxCertificateBytes = 10 * 1024 * 1024;
export const certificateTypes = ['application/pdf', 'image/png', 'image/jpeg'];

/** Uploads a calibration certificate (one `file` part); answers the new certificate version. */
export function uploadCertificate(calibrationId: string, file: File): Promise<Certificate> {
  const form = new FormData();
  form.append('file', file, file.name);
  return upload<Certificate>(`/api/calibration/${encodeURIComponent(calibrationId)}/certificate`, form);
}
