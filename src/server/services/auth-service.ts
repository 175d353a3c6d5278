import { timingSafeEqual } from 'node:crypto';
import { PASSWORD_MIN, PASSWORD_RULE_TEXT, USERNAME_RULE, USERNAME_RULE_TEXT } from '../../shared/credentials';
import { ApiError } from '../api-error';
import { BoundedMemory, ReadMemory } from '../bounded-memory';
import type { TokenRow, TokensRepository } from '../db/repositories/tokens';
import { LastAdminError, type UserRow, type UsersRepository } from '../db/repositories/users';
import type { Role } from '../../shared/staff';
import { DEFAULT_THROTTLE, LoginThrottle, type ThrottleRecords } from '../security/login-throttle';
import { hashPassword, imitatePasswordCheck, PasswordQueueFullError, verifyPassword } from '../security/passwords';
import {
  KEY_ID_BYTES,
  keyIdOf,
  signedThumbPath,
  thumbSignature,
  thumbUrlExpiry,
  thumbUrlKey,
  THUMB_URL_WINDOW_MS,
  type ThumbUrlKey,
  type ThumbUrlParts,
} from '../security/thumb-urls';
import { hashToken, newAccessToken, TOKEN_LIFETIME_SECONDS } from '../security/tokens';
import type { AuditEvent, AuditTrail } from './audit';
import type { Writes } from './unit-of-work';
import { isUniqueViolation } from '../db/sql-database';

export interface IssuedToken {
  access_token: string;
  expiry: number;
}

/** A signed thumbnail URL this process handed out, and what its signature is for. */
interface IssuedUrl {
  keyId: string;
  visitorId: string;
  expiry: number;
  path: string;
}

export interface LoginAttempt {
  username: string;
  password: string;
  deviceInfo: string;
}

/**
 * Who changes staff accounts: an account, the command line run on the kiosk itself, or an
 * admin of the company server making a site's account; the last two are no account of the
 * store's (a system entry on the audit trail, its detail saying who).
 */
export type StaffActor = number | 'command line' | { headOffice: string };

export function authService(deps: {
  users: UsersRepository;
  tokens: TokensRepository;
  writes: Writes;
  audit: AuditTrail;
  now: () => number;
  /** SQLite's data_version: moves when another process commits. */
  dataVersion: () => number;
  /** What signs thumbnail URLs with a token's hash (security/thumb-urls.ts). */
  thumbUrlSecret: Buffer;
  /** Where failed sign-ins are counted (security/login-throttle.ts). */
  throttleRecords: ThrottleRecords;
}) {
  const { users, tokens, writes, now, dataVersion } = deps;
  // Per username: a few typos are free, then waits double up to 15 minutes. There is no
  // per-address limit: every desk on this kiosk signs in from 127.0.0.1, and any local
  // process can pick any 127.x.y.z source address, so such a limit could not tell the desk
  // from an attacker and would only lock the desk out. What a flood of guesses at many
  // usernames costs is bounded instead by the password-check queue (passwords.ts).
  const userThrottle = new LoginThrottle(deps.throttleRecords, now, { ...DEFAULT_THROTTLE, freeFailures: 5 });

  /** Checks a username and password, throttled; throws 1142 (or 1142 with 429 while throttled). */
  async function verifyCredentials(attempt: Omit<LoginAttempt, 'deviceInfo'>): Promise<number> {
    return (await checkCredentials(attempt)).id;
  }

  /** verifyCredentials, also giving the password hash that was checked. */
  async function checkCredentials(
    attempt: Omit<LoginAttempt, 'deviceInfo'>,
  ): Promise<{ id: number; passwordHash: string }> {
    // No account can have such a name: answered at once, and never kept as a throttle key.
    if (!USERNAME_RULE.test(attempt.username)) throw new ApiError('1142');
    const userKey = throttleKey(attempt.username);
    const waitMs = userThrottle.attempt(userKey);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      throw new ApiError('1142', `Too many failed sign-ins. Try again in ${seconds} s.`, {
        status: 429,
        headers: { 'retry-after': String(seconds) },
      });
    }
    // Counted as a failure by attempt, before the check starts: only the free ones ever reach
    // scrypt. A success takes it back.
    const user = users.findByUsername(attempt.username);
    if (!user || !user.active) {
      await imitatePasswordCheck();
      throw new ApiError('1142');
    }
    let ok: boolean;
    try {
      ok = await verifyPassword(attempt.password, user.password_hash);
    } catch (error) {
      userThrottle.forgiveOne(userKey);
      throw busy(error, '1142', 'sign-ins');
    }
    if (!ok) throw new ApiError('1142');
    userThrottle.recordSuccess(userKey);
    return { id: user.id, passwordHash: user.password_hash };
  }

  /**
   * A sign-in: the token and its audit entry commit together. A refusal is counted per
   * account and minute (audit.ts): a flood of guesses must not become a flood of entries.
   */
  async function login(attempt: LoginAttempt): Promise<IssuedToken> {
    let user: { id: number; passwordHash: string };
    try {
      user = await checkCredentials(attempt);
    } catch (error) {
      if (error instanceof ApiError && error.code === '1142') {
        const account = USERNAME_RULE.test(attempt.username) ? users.findByUsername(attempt.username) : undefined;
        deps.audit.countRefusedSignIn(account?.id ?? null, error.status === 429 ? 'throttled' : 'wrong');
      }
      throw error;
    }
    const token = newAccessToken();
    const issuedAt = now();
    const expiresAt = issuedAt + TOKEN_LIFETIME_SECONDS * 1000;
    writes.run((unit) => {
      tokens.purgeExpiredBefore(issuedAt);
      // Deactivated, or given a new password, while the old one was being checked.
      if (!tokens.insert(hashToken(token), user, attempt.deviceInfo, issuedAt, expiresAt)) throw new ApiError('1142');
      unit.audit({ action: 'signin', userId: user.id, detail: attempt.deviceInfo.slice(0, 120) });
    });
    return { access_token: token, expiry: Math.floor(expiresAt / 1000) };
  }

  /**
   * Every request is authenticated, and a grid of thumbnails is many requests: known
   * tokens are remembered. Revocation here forgets at once; a change made by another
   * process (the CLI, a second desk on the same folder) moves SQLite's data_version, and
   * the memory is dropped on the next request. Expiry is checked on every use.
   */
  const KNOWN_MAX = 1000;
  const known = new ReadMemory<string, TokenRow>(dataVersion, KNOWN_MAX);

  function lookUp(hash: Buffer): TokenRow | undefined {
    const key = hash.toString('base64');
    const cached = known.get(key);
    if (cached) return cached;
    const row = tokens.findByHash(hash);
    if (row) known.set(key, row);
    return row;
  }

  /** The user a token belongs to, or 1403 when it is unknown, expired or revoked. */
  function authenticate(token: string): number {
    return userOfValidToken(hashToken(token));
  }

  function userOfValidToken(hash: Buffer): number {
    const row = lookUp(hash);
    // The index lookup already matched the hash; the constant-time compare is belt and braces.
    if (
      !row ||
      !timingSafeEqual(row.token_hash, hash) ||
      row.revoked_at !== null ||
      row.expires_at <= now() ||
      row.active !== 1
    ) {
      throw new ApiError('1403');
    }
    return row.user_id;
  }

  /**
   * The keys of signed thumbnail URLs lately signed or checked, by key ID. A key not here
   * is derived again from its token's stored hash (another instance of a company server
   * handed the URL out, or this process forgot it); a token that is gone has none.
   */
  const urlKeys = new BoundedMemory<string, { hash: Buffer; key: ThumbUrlKey }>(KNOWN_MAX);

  function urlKeyNamed(keyId: string): { hash: Buffer; key: ThumbUrlKey } | undefined {
    const cached = urlKeys.get(keyId);
    if (cached) return cached;
    const start = Buffer.from(keyId, 'base64url');
    if (start.length !== KEY_ID_BYTES) return undefined;
    const hash = tokens.hashStartingWith(start);
    if (!hash) return undefined;
    const found = { hash, key: thumbUrlKey(deps.thumbUrlSecret, hash) };
    urlKeys.set(keyId, found);
    return found;
  }

  /** The URL key of each token that lists visitors, by the token's hash: derived once, not per page. */
  const keysByToken = new BoundedMemory<string, ThumbUrlKey>(KNOWN_MAX);

  /** Signs thumbnail URLs for the token of the request being answered. */
  function thumbUrlSigner(token: string): (visitorId: string) => string {
    const hash = hashToken(token);
    const hashKey = hash.toString('base64');
    const key = keysByToken.get(hashKey) ?? thumbUrlKey(deps.thumbUrlSecret, hash);
    keysByToken.set(hashKey, key);
    // Least recently signed for goes first: a desk that keeps listing keeps its key,
    // however many other sign-ins come and go.
    urlKeys.set(key.id, { hash, key });
    const expiry = thumbUrlExpiry(now());
    return (visitorId) => {
      const issuedAs = `${key.id}/${visitorId}/${expiry}`;
      const known = issued.get(issuedAs);
      if (known) return known.path;
      const signature = thumbSignature(key.key, visitorId, expiry);
      const url = { keyId: key.id, visitorId, expiry, path: signedThumbPath(key.id, visitorId, expiry, signature) };
      issued.set(issuedAs, url);
      issuedBySignature.set(signature.toString('base64url'), url);
      return url.path;
    };
  }

  /**
   * The signatures this process handed out lately, by key, visitor and expiry. A desk lists
   * the same faces page after page for an hour (the same URLs, so that its browser cache
   * answers them): each is signed once, not per page. A request for one is checked by
   * comparing with what was issued rather than by computing its HMAC again, which costs a
   * thumbnail a tenth of its time under load (`npm run bench`, serving); any other URL is
   * computed and compared as before. The key must still be known and the token valid: a
   * revoked token's URLs are refused before this is asked. The URL is kept too, so a page
   * of faces listed again costs a lookup each. First signed goes first: an entry is the
   * same whenever it is made again. A request is matched by its signature as sent (a string
   * the query already holds, so nothing is built or decoded to find it), then by what the
   * signature was issued for.
   */
  const issued = new BoundedMemory<string, IssuedUrl>(20_000);
  const issuedBySignature = new BoundedMemory<string, IssuedUrl>(20_000);

  /**
   * The user behind a signed thumbnail URL and the seconds the URL has left, or 1403 when
   * it is forged, expired or its token is no longer valid.
   */
  function authenticateThumbUrl(visitorId: string, parts: ThumbUrlParts): { userId: number; secondsLeft: number } {
    const expiryMs = parts.expiry * 1000;
    // Never later than this process hands out: a URL cannot be made to live longer.
    const refused = () => new ApiError('1403', 'This thumbnail link has expired or is not valid: ask with the token.');
    if (expiryMs <= now() || expiryMs > now() + 2 * THUMB_URL_WINDOW_MS) throw refused();
    const known = urlKeyNamed(parts.keyId);
    if (!known) throw refused();
    const url = issuedBySignature.get(parts.signature);
    const wasIssued = url?.keyId === parts.keyId && url.visitorId === visitorId && url.expiry === parts.expiry;
    if (!wasIssued) {
      const expected = thumbSignature(known.key.key, visitorId, parts.expiry);
      const given = Buffer.from(parts.signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refused();
    }
    return { userId: userOfValidToken(known.hash), secondsLeft: Math.floor((expiryMs - now()) / 1000) };
  }

  // Told when tokens may have ended here (a sign-out, a deactivation, a new password), so
  // that open event streams end at once instead of at their next write.
  const sessionListeners = new Set<() => void>();
  const sessionsChanged = (): void => sessionListeners.forEach((listener) => listener());

  function revoke(token: string): void {
    const hash = hashToken(token);
    writes.run(() => tokens.revoke(hash, now()));
    known.delete(hash.toString('base64'));
    urlKeys.delete(keyIdOf(hash));
    sessionsChanged();
  }

  /** A staff account, audited; without a role, the first is the admin and later ones are reception. */
  async function createUser(
    username: string,
    password: string,
    { role, by }: { role?: Role | undefined; by: StaffActor },
  ): Promise<number> {
    checkCredentialsShape(username, password);
    const taken = () =>
      new ApiError('2409', `A staff account named "${username}" already exists.`, { field: 'username' });
    if (users.findByUsername(username)) throw taken();
    const hash = await hashOrBusy(password);
    try {
      return writes.run((unit) => {
        const id = users.insert(username, hash, now(), role);
        unit.audit(staffEntry('user.create', by, `${username} (${users.byId(id)!.role})`));
        return id;
      });
    } catch (error) {
      // Created by another request while the password was hashed.
      if (isUniqueViolation(error)) throw taken();
      throw error;
    }
  }

  /**
   * Changes an account, audited. Ending its tokens happens in the same transaction as the
   * change (users.change); the memory of known tokens is dropped here, so the very next
   * request with one of them is looked up again and refused.
   */
  async function changeUser(
    id: number,
    patch: { role?: Role; active?: boolean; password?: string },
    by: StaffActor,
  ): Promise<void> {
    const passwordHash = patch.password === undefined ? undefined : await hashOrBusy(patch.password);
    try {
      writes.run((unit) => {
        const before = users.byId(id);
        if (!before) throw new ApiError('3404', 'There is no staff account with that ID.');
        users.change(
          id,
          {
            ...(patch.role ? { role: patch.role } : {}),
            ...(patch.active !== undefined ? { active: patch.active } : {}),
            ...(passwordHash ? { passwordHash } : {}),
          },
          now(),
        );
        unit.audit(staffEntry('user.update', by, describeStaffChange(before, patch)));
      });
    } catch (error) {
      if (error instanceof LastAdminError) {
        throw new ApiError('2409', 'This is the last active administrator: make another account an admin first.');
      }
      throw error;
    } finally {
      known.clear();
      sessionsChanged();
    }
  }

  /** First-run set-up: creates the account only if there is none yet. */
  async function createFirstUser(username: string, password: string): Promise<void> {
    checkCredentialsShape(username, password);
    if (users.count() > 0) throw new ApiError('1142', 'Frontdesk is already set up; sign in instead.', { status: 409 });
    const hash = await hashOrBusy(password);
    if (writes.run(() => users.insertFirst(username, hash, now())) === null) {
      throw new ApiError('1142', 'Frontdesk is already set up; sign in instead.', { status: 409 });
    }
  }

  return {
    login,
    verifyCredentials,
    authenticate,
    /** authenticate, for a caller that already holds the token's hash (security/tokens.ts). */
    authenticateHash: userOfValidToken,
    thumbUrlSigner,
    authenticateThumbUrl,
    revoke,
    createUser,
    changeUser,
    createFirstUser,
    /** The account's role now, read fresh: a demotion takes effect on the next request. */
    roleOf: (userId: number): Role | undefined => {
      const user = users.byId(userId);
      return user?.active ? user.role : undefined;
    },
    needsFirstUser: (): boolean => users.count() === 0,
    /**
     * Sessions ended by a change that arrived from another desk (a deactivation, a new
     * password): forgotten at once, and open event streams told.
     */
    sessionsEnded(): void {
      known.clear();
      sessionsChanged();
    },
    /** Calls `listener` whenever tokens may have ended in this process; returns the unsubscribe. */
    onSessionsChanged: (listener: () => void): (() => void) => {
      sessionListeners.add(listener);
      return () => sessionListeners.delete(listener);
    },
  };
}

/** An entry about staff accounts: by the account that acted, or a system entry naming the command line. */
function staffEntry(action: 'user.create' | 'user.update', by: StaffActor, detail: string): AuditEvent {
  if (by === 'command line') return { action, userId: null, detail: `command line: ${detail}` };
  // A company admin, whose account is not one of the site's (API contract Part 6).
  if (typeof by === 'object') return { action, userId: null, detail: `head office (${by.headOffice}): ${detail}` };
  return { action, userId: by, detail };
}

function describeStaffChange(before: UserRow, patch: { role?: Role; active?: boolean; password?: string }): string {
  const changes: string[] = [];
  if (patch.active !== undefined && patch.active !== (before.active === 1)) {
    changes.push(patch.active ? 'reactivated' : 'deactivated');
  }
  if (patch.role !== undefined && patch.role !== before.role) changes.push(`role ${before.role} → ${patch.role}`);
  if (patch.password !== undefined) changes.push('password reset');
  return `${before.username}: ${changes.join(', ') || 'nothing changed'}`;
}

async function hashOrBusy(password: string): Promise<string> {
  try {
    return await hashPassword(password);
  } catch (error) {
    throw busy(error, '5501', 'accounts');
  }
}

/** A full password-check queue becomes "busy, retry in a second"; any other error stays what it is. */
function busy(error: unknown, code: '1142' | '5501', what: string): unknown {
  if (!(error instanceof PasswordQueueFullError)) return error;
  return new ApiError(code, `The desk is busy checking other ${what}; try again in a moment.`, {
    status: code === '1142' ? 429 : 503,
    headers: { 'retry-after': '1' },
  });
}

/**
 * The database compares usernames with COLLATE NOCASE, which folds ASCII letters only:
 * the throttle folds the same way, so "\u212Aiosk" (Kelvin sign) is not "kiosk" here either.
 */
function throttleKey(username: string): string {
  return username.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

function checkCredentialsShape(username: string, password: string): void {
  if (!USERNAME_RULE.test(username)) {
    throw new ApiError('2400', USERNAME_RULE_TEXT);
  }
  if (password.length < PASSWORD_MIN) {
    throw new ApiError('2400', PASSWORD_RULE_TEXT);
  }
}

export type AuthService = ReturnType<typeof authService>;
