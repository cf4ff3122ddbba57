import { ValidationError } from '@ours/platform/errors';

/** What `getExpoPushTokenAsync()` returns; the migration's CHECK holds the same rule. */
const expoToken = /^Expo(nent)?PushToken\[[A-Za-z0-9_-]{8,200}\]$/;
/** A raw APNs device token: 32 bytes in hex. */
const apnsToken = /^[0-9a-fA-F]{64}$/;
/** A raw FCM registration token: `<instance id>:APA91b…`, or a long opaque base64url string. */
const fcmToken = /^([A-Za-z0-9_-]+:)?APA91[A-Za-z0-9_-]+$|^[A-Za-z0-9_:-]{100,}$/;

/**
 * Accepts an Expo push token or throws 400 `invalid_push_token`. A raw APNs or FCM token gets its
 * own message (details.kind): the app sent the device token instead of the Expo one, a common slip.
 */
export function assertExpoPushToken(token: string): void {
  if (expoToken.test(token)) return;
  if (apnsToken.test(token)) {
    throw new ValidationError(
      'invalid_push_token',
      'This is a raw APNs device token; register the Expo push token from getExpoPushTokenAsync() instead',
      { kind: 'apns' },
    );
  }
  if (fcmToken.test(token)) {
    throw new ValidationError(
      'invalid_push_token',
      'This is a raw FCM registration token; register the Expo push token from getExpoPushTokenAsync() instead',
      { kind: 'fcm' },
    );
  }
  throw new ValidationError(
    'invalid_push_token',
    'Push token must be an Expo push token such as ExponentPushToken[xxxxxxxxxxxxxxxxxxxxxx]',
    { kind: 'unknown' },
  );
}
