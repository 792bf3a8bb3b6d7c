/** How the audit screen shows a record's target: words for its kind, a short id, and its screen where it has one. */
export interface TargetView {
  label: string;
  /** The whole id, for a tooltip and for copying. */
  id: string | null;
  /** The console screen that shows the target (a run's webapp for a run). */
  to?: string;
}

const KINDS: Record<string, { words: string; screen?: string }> = {
  user: { words: 'User', screen: '/users' },
  group: { words: 'Group', screen: '/groups' },
  webapp: { words: 'Webapp', screen: '/webapps' },
  dataset: { words: 'Dataset', screen: '/datasets' },
  webapp_run: { words: 'Webapp run' },
  api_key: { words: 'API key' },
  signing_key: { words: 'Signing key' },
  kek: { words: 'Key-encryption key' },
  settings: { words: 'Settings' },
  login: { words: 'Login' },
};

/** The first 8 characters of a UUID name it well enough in a table; other ids are kept whole. */
const SHORT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `target.name` is what the API found the target called when it answered (a user's login, a
 * group's, webapp's or dataset's name); without one (another kind, a deleted target) the id stands.
 * A run is named by its short id and its webapp's name, which many runs share.
 */
export function auditTarget(event: {
  /** The admin log's targets carry a name; a viewer's events (who acted as me) do not. */
  target: { type: string; id: string | null; name?: string | null } | null;
  webappId: string | null;
}): TargetView | null {
  const target = event.target;
  if (!target) return null;
  const kind = KINDS[target.type];
  const words = kind?.words ?? target.type.replace(/_/g, ' ');
  const id = target.id;
  const shortId = id && SHORT.test(id) ? id.slice(0, 8) : id;
  const named = target.type === 'webapp_run' && target.name && shortId ? `${shortId} of ${target.name}` : (target.name ?? shortId);
  const label = named ? `${words} ${named}` : words;
  if (kind?.screen && id) return { label, id, to: `${kind.screen}/${id}` };
  // A run is shown on its webapp's page.
  if (target.type === 'webapp_run' && event.webappId) return { label, id, to: `/webapps/${event.webappId}` };
  return { label, id };
}
