import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { AuditEvent as AuditEventDto, AuditOutcome } from '@behalf/contracts';
import { ADVISORY_LOCKS } from '../platform/database/advisory-locks';
import { PgPool, withPgClient } from '../platform/database/pg-pool';
import { PrismaService } from '../platform/database/prisma.service';
import { Prisma } from '../platform/database/generated/client';
import { isUuid } from '../kernel/uuid';
import { AuditContent, auditHash, GENESIS_HASH } from './audit-hash';

/** The current names of audit targets, by kind: users ($1), groups ($2), webapps ($3), datasets ($4). */
const TARGET_NAMES_SQL = `
  SELECT 'user:' || id AS key, login AS name FROM users WHERE id = ANY($1::uuid[])
  UNION ALL SELECT 'group:' || id, name FROM groups WHERE id = ANY($2::uuid[])
  UNION ALL SELECT 'webapp:' || id, name FROM webapps WHERE id = ANY($3::uuid[])
  UNION ALL SELECT 'dataset:' || id, name FROM datasets WHERE id = ANY($4::uuid[])
  UNION ALL SELECT 'webapp_run:' || r.id, w.name FROM webapp_runs r JOIN webapps w ON w.id = r.webapp_id WHERE r.id = ANY($5::uuid[])`;

/** The most outbox records one append moves into the chain. */
export const OUTBOX_BATCH = 1000;

export interface AuditFilter {
  action?: string;
  actorUserId?: string;
  actorLogin?: string;
  onBehalfOfUserId?: string;
  onBehalfOfLogin?: string;
  webappId?: string;
  /** Only records made from a webapp (by a backend, or a token exchange). */
  fromWebapps?: boolean;
  outcome?: AuditOutcome;
  since?: Date;
  until?: Date;
  /** Return records older than this id (newest first). */
  beforeId?: bigint;
}

type Row = Prisma.AuditEventGetPayload<object>;

/** The columns of a record as inserted, each with how it is read from the batch's JSON. */
const INSERT_COLUMNS: [column: string, expression: string][] = [
  ['at', "(e->>'at')::timestamptz"],
  ['action', "e->>'action'"],
  ['outcome', "e->>'outcome'"],
  ['actor_user_id', "(e->>'actorUserId')::uuid"],
  ['actor_login', "e->>'actorLogin'"],
  ['on_behalf_of_user_id', "(e->>'onBehalfOfUserId')::uuid"],
  ['on_behalf_of_login', "e->>'onBehalfOfLogin'"],
  ['webapp_id', "e->>'webappId'"],
  ['target_type', "e->>'targetType'"],
  ['target_id', "e->>'targetId'"],
  ['reason', "e->>'reason'"],
  ['client_ip', "e->>'clientIp'"],
  ['request_id', "e->>'requestId'"],
  ['details', "e->'details'"],
  ['prev_hash', "e->>'prevHash'"],
  ['hash', "e->>'hash'"],
];

// One statement for any number of records, the batch given as one JSON array (a parameter or a
// literal); ORDINALITY keeps their order in the ids. `where` guards the whole insert.
const insertSql = (batch: string, where = '') => `
  INSERT INTO audit_events (${INSERT_COLUMNS.map(([column]) => column).join(', ')})
  SELECT ${INSERT_COLUMNS.map(([, expression]) => expression).join(', ')}
    FROM jsonb_array_elements(${batch}::jsonb) WITH ORDINALITY AS batch(e, n)
   ${where}
   ORDER BY n`;
const INSERT_SQL = insertSql('$1');

/** `text` as a dollar-quoted SQL literal, its tag one the text does not contain. */
export function dollarQuoted(text: string): string {
  let tag = 'audit';
  while (text.includes(`$${tag}$`)) tag = `audit_${randomBytes(8).toString('hex')}`;
  return `$${tag}$${text}$${tag}$`;
}

/** Records chained onto `prevHash`, as the insert's JSON, and the head they make. */
function chained(prevHash: string, contents: AuditContent[]): { rows: unknown[]; json: string; head: string } {
  let head = prevHash;
  const rows = contents.map((content) => {
    const hash = auditHash(head, content);
    const row = { ...content, at: content.at.toISOString(), prevHash: head, hash };
    head = hash;
    return row;
  });
  return { rows, json: JSON.stringify(rows), head };
}

function contentOf(row: Row): AuditContent {
  return {
    at: row.at,
    action: row.action,
    outcome: row.outcome,
    actorUserId: row.actorUserId,
    actorLogin: row.actorLogin,
    onBehalfOfUserId: row.onBehalfOfUserId,
    onBehalfOfLogin: row.onBehalfOfLogin,
    webappId: row.webappId,
    targetType: row.targetType,
    targetId: row.targetId,
    reason: row.reason,
    clientIp: row.clientIp,
    requestId: row.requestId,
    details: (row.details ?? {}) as Record<string, unknown>,
  };
}

function toDto(row: Row): AuditEventDto {
  return {
    id: row.id.toString(),
    at: row.at.toISOString(),
    action: row.action,
    outcome: row.outcome as AuditOutcome,
    actor: { userId: row.actorUserId, login: row.actorLogin },
    onBehalfOf: row.onBehalfOfUserId || row.onBehalfOfLogin ? { userId: row.onBehalfOfUserId, login: row.onBehalfOfLogin } : null,
    webappId: row.webappId,
    target: row.targetType ? { type: row.targetType, id: row.targetId, name: null } : null,
    reason: row.reason,
    clientIp: row.clientIp,
    requestId: row.requestId,
    details: (row.details ?? {}) as Record<string, unknown>,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

@Injectable()
export class AuditRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly pg: PgPool,
  ) {}

  /**
   * Appends records in the given order, chained to the current head, in one transaction under a
   * transaction-scoped advisory lock: concurrent appenders (other processes, other replicas)
   * wait, then chain onto what this one wrote. With `outbox`, records committed to the outbox by
   * finished transactions (oldest first, up to {@link OUTBOX_BATCH}) are moved into the chain
   * first, in the same transaction: each is chained once, or stays in the outbox. Three round
   * trips whatever the batch size: lock, head and outbox; one multi-row insert; commit.
   * @returns how many outbox records were moved, and the chain's head after them
   */
  append(records: AuditContent[], outbox = false): Promise<{ moved: number; head: string }> {
    return withPgClient(this.pg.raw, async (client) => {
      const results = (await client.query(
        `BEGIN; SELECT pg_advisory_xact_lock(${ADVISORY_LOCKS.auditChain}); SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1;` +
          (outbox ? ` DELETE FROM audit_outbox WHERE id IN (SELECT id FROM audit_outbox ORDER BY id LIMIT ${OUTBOX_BATCH}) RETURNING id, content` : ''),
      )) as unknown as { rows: Record<string, unknown>[] }[];
      const moved = outbox
        ? (results[3].rows as { id: string; content: AuditContent & { at: string } }[])
            .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))
            .map((r) => ({ ...r.content, at: new Date(r.content.at) }))
        : [];
      const chain = chained((results[2].rows[0]?.hash as string | undefined) ?? GENESIS_HASH, [...moved, ...records]);
      if (chain.rows.length > 0) await client.query(INSERT_SQL, [chain.json]);
      await client.query('COMMIT');
      return { moved: moved.length, head: chain.head };
    });
  }

  /**
   * Appends records chained onto `head`, provided `head` still is the chain's head once the lock
   * is held; otherwise appends nothing. One round trip (one simple-protocol query: begin, lock,
   * the insert guarded by the head, commit), so an appender that knows the head (it wrote it)
   * can append batch after batch without waiting for each to commit: each next batch is chained
   * onto the one before, waits for it on the lock, and lands only if it did.
   * @returns the head the records make (at once), and whether they were appended
   */
  appendOnto(head: string, records: AuditContent[]): { head: string; appended: Promise<boolean> } {
    const chain = chained(head, records);
    return { head: chain.head, appended: this.insertOnto(head, chain.json, records.length) };
  }

  private insertOnto(head: string, json: string, count: number): Promise<boolean> {
    return withPgClient(this.pg.raw, async (client) => {
      // A simple-protocol query takes no parameters: the batch goes in as a dollar-quoted literal
      // (nothing escaped, so nothing to get wrong or to spend time on), the head (hex) as a literal.
      const results = (await client.query(
        `BEGIN; SELECT pg_advisory_xact_lock(${ADVISORY_LOCKS.auditChain}); ` +
          insertSql(
            dollarQuoted(json),
            `WHERE COALESCE((SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1), '${GENESIS_HASH}') = ${client.escapeLiteral(head)}`,
          ) +
          '; COMMIT',
      )) as unknown as { rowCount: number | null }[];
      return results[2].rowCount === count;
    });
  }

  /**
   * Puts a record in the outbox, in the caller's transaction (the ambient one of `Transactions`):
   * it commits with the change it describes, or not at all.
   */
  async enqueue(content: AuditContent): Promise<void> {
    await this.prisma.$executeRawUnsafe('INSERT INTO audit_outbox (content) VALUES ($1::jsonb)', JSON.stringify({ ...content, at: content.at.toISOString() }));
  }

  /** Whether committed records wait in the outbox (left by a process that stopped before moving them). */
  async outboxPending(): Promise<boolean> {
    const [row] = await this.pg.prepared<{ pending: boolean }>('behalf_audit_outbox_pending', 'SELECT EXISTS (SELECT 1 FROM audit_outbox) AS pending', []);
    return row?.pending ?? false;
  }

  /** Newest first, at most `take` records. */
  async list(filter: AuditFilter, take: number): Promise<AuditEventDto[]> {
    const rows = await this.prisma.auditEvent.findMany({
      where: {
        action: filter.action,
        actorUserId: filter.actorUserId,
        actorLogin: filter.actorLogin,
        onBehalfOfUserId: filter.onBehalfOfUserId,
        onBehalfOfLogin: filter.onBehalfOfLogin,
        webappId: filter.webappId ?? (filter.fromWebapps ? { not: null } : undefined),
        outcome: filter.outcome,
        at: filter.since || filter.until ? { gte: filter.since, lt: filter.until } : undefined,
        id: filter.beforeId !== undefined ? { lt: filter.beforeId } : undefined,
      },
      orderBy: { id: 'desc' },
      take,
    });
    return rows.map(toDto);
  }

  /**
   * The names these targets have now, keyed `type:id`: a user's login, a group's, webapp's or
   * dataset's name, a run's webapp's name. Kinds without a name, ids that are not UUIDs and
   * targets since deleted are absent. One query.
   */
  async targetNames(targets: readonly { type: string; id: string | null }[]): Promise<Map<string, string>> {
    const ids = (type: string) => [...new Set(targets.flatMap((t) => (t.type === type && t.id && isUuid(t.id) ? [t.id] : [])))];
    const wanted = [ids('user'), ids('group'), ids('webapp'), ids('dataset'), ids('webapp_run')];
    if (wanted.every((list) => list.length === 0)) return new Map();
    const rows = await this.pg.prepared<{ key: string; name: string }>('behalf_audit_target_names', TARGET_NAMES_SQL, wanted);
    return new Map(rows.map((row) => [row.key, row.name]));
  }

  /** Walks the whole chain in id order, in batches, checking every link and hash. */
  async verify(batchSize = 2000): Promise<{ ok: boolean; checked: number; firstBrokenId?: string }> {
    let prevHash = GENESIS_HASH;
    let afterId: bigint | undefined;
    let checked = 0;
    for (;;) {
      const rows = await this.prisma.auditEvent.findMany({
        where: afterId !== undefined ? { id: { gt: afterId } } : undefined,
        orderBy: { id: 'asc' },
        take: batchSize,
      });
      for (const row of rows) {
        checked += 1;
        if (row.prevHash !== prevHash || row.hash !== auditHash(row.prevHash, contentOf(row))) {
          return { ok: false, checked, firstBrokenId: row.id.toString() };
        }
        prevHash = row.hash;
      }
      if (rows.length < batchSize) return { ok: true, checked };
      afterId = rows[rows.length - 1].id;
    }
  }
}
