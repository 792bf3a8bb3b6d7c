/** What the schedule needs of a signing key. */
export interface ScheduledKey {
  kid: string;
  createdAt: Date;
  activatesAt: Date;
}

export interface KeySchedule<K extends ScheduledKey> {
  /** The key that signs at `now`: the one activated last. */
  signing: K | undefined;
  /** The keys the JWKS lists at `now`: pending, signing, and retired ones inside their overlap. */
  published: K[];
  /** When each key stops signing: its successor's activation (absent: no successor yet). */
  retiresAt: Map<string, Date>;
}

const byActivation = (a: ScheduledKey, b: ScheduledKey) =>
  a.activatesAt.getTime() - b.activatesAt.getTime() || a.createdAt.getTime() - b.createdAt.getTime() || a.kid.localeCompare(b.kid);

/**
 * The rotation rules as a pure function of the stored keys and the time. A key is published from
 * creation (verifiers that cache the JWKS learn it before it signs), signs from its activation
 * until its successor's, and stays published `overlapMs` after that so tokens it signed keep
 * verifying until they expire. Every replica computes the same answer from the same rows.
 */
export function keySchedule<K extends ScheduledKey>(keys: readonly K[], now: Date, overlapMs: number): KeySchedule<K> {
  const sorted = [...keys].sort(byActivation);
  const retiresAt = new Map<string, Date>();
  sorted.forEach((key, i) => {
    const successor = sorted[i + 1];
    if (successor) retiresAt.set(key.kid, successor.activatesAt);
  });
  const t = now.getTime();
  return {
    signing: sorted.filter((k) => k.activatesAt.getTime() <= t).at(-1),
    published: sorted.filter((k) => {
      const retired = retiresAt.get(k.kid);
      return retired === undefined || t < retired.getTime() + overlapMs;
    }),
    retiresAt,
  };
}
