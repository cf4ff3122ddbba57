import { type Env, envEnum, envUrl } from '@ours/platform/config';

export type WebhookFormat = 'slack' | 'discord';

/** Where operator alerts go; `webhookUrl` is a secret (it carries the channel's token): never logged. */
export interface AlertsConfig {
  webhookUrl: string | undefined;
  format: WebhookFormat;
}

/**
 * `ALERT_WEBHOOK_URL` (or `ALERT_WEBHOOK_URL_FILE`) and `ALERT_WEBHOOK_FORMAT`. Without a format,
 * Discord's webhook host gets Discord's body and everything else Slack's (Discord's `/slack` URLs
 * take Slack's body too).
 */
export function alertsConfigFromEnv(env: Env): AlertsConfig {
  const webhookUrl = envUrl(env, 'ALERT_WEBHOOK_URL', ['https:', 'http:']);
  const format = envEnum(env, 'ALERT_WEBHOOK_FORMAT', ['slack', 'discord'] as const);
  return { webhookUrl, format: format ?? (webhookUrl ? formatOfUrl(webhookUrl) : 'slack') };
}

function formatOfUrl(url: string): WebhookFormat {
  const { hostname, pathname } = new URL(url);
  const discordHost = /(^|\.)discord(app)?\.com$/.test(hostname);
  return discordHost && !pathname.replace(/\/$/, '').endsWith('/slack') ? 'discord' : 'slack';
}
