/**
 * API keys read `bhk_<id>_<secret>`: `id` is the key's UUID (the lookup), `secret` 256 random
 * bits in base64url (compared as a SHA-256 digest in constant time).
 */
const API_KEY = /^bhk_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export function formatApiKey(id: string, secret: string): string {
  return `bhk_${id}_${secret}`;
}

export function parseApiKey(key: string): { id: string; secret: string } | null {
  const match = API_KEY.exec(key);
  return match ? { id: match[1], secret: match[2] } : null;
}

/** What lists show of a key: enough to recognise it, nothing to use. */
export function apiKeyPrefix(id: string): string {
  return `bhk_${id.slice(0, 8)}`;
}
