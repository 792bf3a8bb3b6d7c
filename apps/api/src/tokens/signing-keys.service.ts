import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Jwks, KeyRotation, PublicJwk, SigningAlgorithm } from '@behalf/contracts';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, importJWK, importPKCS8 } from 'jose';
import { AuditService } from '../audit/audit.service';
import { RequestContext } from '../kernel/request-context';
import { CLOCK, Clock } from '../kernel/clock';
import { CONFIG, Config } from '../platform/config/config';
import { KekVersionMissingError, open, seal, UnsealError } from '../crypto/envelope';
import type { KeyRing } from '../crypto/key-ring';
import { KEY_RING } from '../crypto/key-ring.provider';
import { signingKeyContext } from './signing-key.sealed-store';
import { ChangeFeed } from '../platform/cache/change-feed.service';
import { LOGGER } from '../platform/logging/logger.token';
import type { Logger } from '@behalf/server';
import { keySchedule } from './key-schedule';
import { SigningKeyRepository, StoredSigningKey } from './signing-key.repository';

const TABLE = 'signing_keys';
/** Safety net should a notification ever be lost: keys are re-read at least this often. */
const RELOAD_AFTER_MS = 60_000;

export type VerifyKey = Awaited<ReturnType<typeof importJWK>>;
export type PrivateKey = Awaited<ReturnType<typeof importPKCS8>>;

interface LoadedKey extends StoredSigningKey {
  publicKey: VerifyKey;
  /** Opened on first need; keys still able to sign are opened at load, so a wrong KEK shows at once. */
  privateKey?: Promise<PrivateKey>;
}

export interface ActiveSigningKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: PrivateKey;
}

/**
 * The JWT signing keys: created on first start, sealed under the key-encryption key ring,
 * rotated by admins, cached in memory by every replica and re-read when any replica rotates.
 */
@Injectable()
export class SigningKeys implements OnModuleInit {
  private loaded: { generation: string; atMs: number; keys: LoadedKey[] } | undefined;
  private loading: Promise<LoadedKey[]> | undefined;

  constructor(
    private readonly repository: SigningKeyRepository,
    private readonly feed: ChangeFeed,
    private readonly audit: AuditService,
    @Inject(KEY_RING) private readonly ring: KeyRing,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    const now = this.clock.now();
    if (await this.repository.ensureOne(() => this.generate(now, now))) {
      this.logger.info({ alg: this.config.signingKeys.alg }, 'created the first signing key');
    }
    await this.reload();
  }

  /** The key to sign with now. */
  async signingKey(): Promise<ActiveSigningKey> {
    const { signing } = this.schedule(await this.keys());
    if (!signing) throw new Error('no signing key is active');
    return { kid: signing.kid, alg: signing.alg, privateKey: await this.privateKeyOf(signing) };
  }

  /**
   * The public key `kid`, only while the JWKS publishes it and only for its own algorithm:
   * a token naming another algorithm for a known key (HS256 with the public key) gets nothing.
   */
  async verificationKey(kid: string | undefined, alg: string | undefined): Promise<VerifyKey | undefined> {
    if (!kid) return undefined;
    const key = this.schedule(await this.keys()).published.find((k) => k.kid === kid);
    return key && key.alg === alg ? key.publicKey : undefined;
  }

  async jwks(): Promise<Jwks> {
    return { keys: this.schedule(await this.keys()).published.map((k) => k.publicJwk) };
  }

  /**
   * Adds a key that is published at once and signs after the pre-publication delay (at once when
   * `immediate`, for a compromised key). The key it supersedes stays published for the overlap.
   */
  async rotate(options: { immediate: boolean; revokePrevious?: boolean }, ctx: RequestContext): Promise<KeyRotation> {
    const now = this.clock.now();
    const activatesAt = options.immediate ? now : new Date(now.getTime() + this.config.signingKeys.prepublishSeconds * 1000);
    const previous = this.schedule(await this.keys(), activatesAt).signing;
    const key = await this.generate(now, activatesAt);
    await this.repository.insert(key);
    // A compromised key leaves the JWKS now; every replica re-reads the keys on the table's
    // notification and forgets the tokens it remembered as verified.
    const revoked = options.revokePrevious && previous && (await this.repository.revoke(previous.kid, now)) ? previous.kid : null;
    this.feed.changed(TABLE);
    const rotation: KeyRotation = {
      kid: key.kid,
      alg: key.alg,
      publishedAt: now.toISOString(),
      activatesAt: activatesAt.toISOString(),
      previousKeyUnpublishedAt: previous
        ? (revoked ? now : new Date(activatesAt.getTime() + this.config.signingKeys.overlapSeconds * 1000)).toISOString()
        : null,
      revokedKid: revoked,
    };
    await this.audit.record(
      {
        action: 'tokens.key.rotate',
        outcome: 'succeeded',
        target: { type: 'signing_key', id: key.kid },
        details: { ...rotation, immediate: options.immediate, previousKid: previous?.kid ?? null },
      },
      ctx,
    );
    return rotation;
  }

  /** The schedule of the keys not revoked: a revoked key neither signs nor verifies. */
  private schedule(keys: LoadedKey[], at = this.clock.now()) {
    return keySchedule(
      keys.filter((k) => !k.revokedAt || k.revokedAt.getTime() > at.getTime()),
      at,
      this.config.signingKeys.overlapSeconds * 1000,
    );
  }

  private async generate(createdAt: Date, activatesAt: Date): Promise<StoredSigningKey> {
    const alg = this.config.signingKeys.alg;
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    const jwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(jwk);
    const publicJwk = { ...jwk, kid, alg, use: 'sig' } as PublicJwk;
    const sealed = seal(this.ring, Buffer.from(await exportPKCS8(privateKey), 'utf8'), signingKeyContext(kid));
    return { kid, alg, publicJwk, sealed, createdAt, activatesAt, revokedAt: null };
  }

  /** The cached keys, re-read when a replica changed them (or after the safety-net interval). */
  private async keys(): Promise<LoadedKey[]> {
    const loaded = this.loaded;
    if (loaded && loaded.generation === this.feed.tableGeneration(TABLE) && Date.now() - loaded.atMs < RELOAD_AFTER_MS) {
      return loaded.keys;
    }
    return this.reload();
  }

  private reload(): Promise<LoadedKey[]> {
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<LoadedKey[]> {
    const generation = this.feed.tableGeneration(TABLE);
    const previous = new Map((this.loaded?.keys ?? []).map((k) => [k.kid, k]));
    const stored = await this.repository.all();
    const keys = await Promise.all(
      stored.map(async (s) => {
        const known = previous.get(s.kid);
        // Revocation is the one thing about a stored key that changes.
        if (known) return Object.assign(known, { revokedAt: s.revokedAt });
        return { ...s, publicKey: await importJWK({ ...s.publicJwk }, s.alg) };
      }),
    );
    // Open every key that signs now or will: a wrong or incomplete key ring fails here, at start-up.
    const { retiresAt } = this.schedule(keys);
    const now = this.clock.now();
    const stillSigns = (k: LoadedKey) => {
      const retired = retiresAt.get(k.kid);
      return retired === undefined || retired > now;
    };
    await Promise.all(keys.filter(stillSigns).map((k) => this.privateKeyOf(k)));
    this.loaded = { generation, atMs: Date.now(), keys };
    return keys;
  }

  private privateKeyOf(key: LoadedKey): Promise<PrivateKey> {
    key.privateKey ??= this.openPrivateKey(key);
    return key.privateKey;
  }

  private async openPrivateKey(key: StoredSigningKey): Promise<PrivateKey> {
    try {
      const pem = open(this.ring, key.sealed, signingKeyContext(key.kid)).toString('utf8');
      return await importPKCS8(pem, key.alg);
    } catch (error) {
      if (error instanceof KekVersionMissingError) {
        throw new Error(
          `signing key ${key.kid} is sealed with key-encryption key version ${error.version}, which BEHALF_KEK does not contain (it has ${this.ring.versions.join(', ')})`,
        );
      }
      if (error instanceof UnsealError) {
        throw new Error(
          `BEHALF_KEK cannot decrypt signing key ${key.kid} (sealed with key-encryption key version ${key.sealed.kekVersion}): this is not the key ring this database was set up with, or the key was altered`,
        );
      }
      throw error;
    }
  }
}
