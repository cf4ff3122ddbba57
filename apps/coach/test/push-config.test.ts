import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@ours/platform/config';
import { describe, expect, it } from 'vitest';
import { envToConfig, readEnv } from '../src/config.ts';
import { pushConfigFromEnv } from '../src/modules/push/push-config.ts';
import { useTestApp } from './support/test-app.ts';

describe('push configuration', () => {
  it('defaults to Expo, on, 10 tokens per user, receipts after 15 minutes and for a day', () => {
    expect(pushConfigFromEnv({})).toEqual({
      enabled: true,
      pushUrl: 'https://exp.host/--/api/v2/push/send',
      receiptsUrl: 'https://exp.host/--/api/v2/push/getReceipts',
      accessToken: undefined,
      tokensPerUser: 10,
      requestTimeoutMs: 10_000,
      concurrency: 4,
      maxAttempts: 6,
      retryBaseSeconds: 30,
      receiptDelaySeconds: 900,
      receiptDeadlineSeconds: 86_400,
    });
  });

  it.each([
    ['PUSH_TOKENS_PER_USER', '0'],
    ['PUSH_TOKENS_PER_USER', 'ten'],
    ['PUSH_REQUEST_TIMEOUT_MS', '5'],
    ['PUSH_CONCURRENCY', '100'],
    ['PUSH_RECEIPT_DELAY_SECONDS', '-1'],
    ['PUSH_ENABLED', 'maybe'],
    ['EXPO_PUSH_URL', 'ftp://exp.host/send'],
    ['EXPO_RECEIPTS_URL', 'not a url'],
  ])('names %s when it is %s', (name, value) => {
    expect(() => pushConfigFromEnv({ [name]: value })).toThrow(ConfigError);
    expect(() => pushConfigFromEnv({ [name]: value })).toThrow(name);
  });

  it('refuses a receipt deadline before the first receipt check', () => {
    expect(() =>
      pushConfigFromEnv({ PUSH_RECEIPT_DELAY_SECONDS: '600', PUSH_RECEIPT_DEADLINE_SECONDS: '600' }),
    ).toThrow('PUSH_RECEIPT_DEADLINE_SECONDS');
  });

  it('refuses an access token with a line break, without echoing it', () => {
    try {
      pushConfigFromEnv({ EXPO_ACCESS_TOKEN: 'secret-part\nmore' });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).toContain('EXPO_ACCESS_TOKEN');
      expect(String(error)).not.toContain('secret-part');
    }
  });

  it('reads EXPO_ACCESS_TOKEN_FILE', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'push-')), 'expo-token');
    await writeFile(file, 'expo-token-from-file\n');
    const config = envToConfig(readEnv({ EXPO_ACCESS_TOKEN_FILE: file }));
    expect(config.push.accessToken).toBe('expo-token-from-file');
  });
});

describe('push in /metrics', () => {
  const t = useTestApp();

  it('reports deliveries by status and registered tokens', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('coach_push_deliveries{status="failed"} 0');
    expect(response.body).toContain('coach_push_tokens 0');
  });
});
