import type { Config } from './config';

/** Whether cookies carry `Secure`: outside development, and whenever the public URL is https. */
export function secureCookies(config: Pick<Config, 'env' | 'http'>): boolean {
  return config.env !== 'development' || config.http.publicUrl.startsWith('https:');
}

/**
 * Settings left open that production should close, each as a warning to log at start-up (loud
 * defaults: a deployment that forgot one hears about it on every start).
 */
export function insecureDefaults(config: Config): string[] {
  if (config.env !== 'production') return [];
  const warnings: string[] = [];
  if (!config.metricsToken) warnings.push('GET /metrics is open to anyone: set BEHALF_METRICS_TOKEN');
  if (config.apiDocs) warnings.push('GET /api/docs serves the API documentation to anyone: set BEHALF_API_DOCS=off if it should not');
  if (!config.http.publicUrl.startsWith('https:'))
    warnings.push(`BEHALF_PUBLIC_URL (${config.http.publicUrl}) is not https: tokens and cookies travel in the clear`);
  return warnings;
}
