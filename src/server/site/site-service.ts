import { randomBytes, randomInt } from 'node:crypto';
import os from 'node:os';
import type { ChangeLogRepository } from '../db/repositories/change-log';
import type { ReplicaRepository } from '../db/repositories/replica';
import type { DeskRow, SiteRepository } from '../db/repositories/site';
import { NUMBERS_PER_DESK } from '../db/own-numbers';
import type { RollDesk } from '../../shared/evacuation';
import type { SiteResponse, SiteStatus } from '../../shared/site';
import { ApiError } from '../api-error';
import type { Writes } from '../services/unit-of-work';
import { formatLocalTime } from '../time-format';
import {
  fingerprintOf,
  newDeskCredentials,
  readDeskCredentials,
  saveDeskCredentials,
  type DeskCredentials,
} from './desk-certificate';
import { hashSecret, JOIN_CODE_LIFETIME_MS, newJoinCode, parseJoinCode } from './join-code';
import { parsePeerAddress } from './peer-address';
import { callPeer, presentedCertificate } from './peer-client';
import { joinResponseSchema, type DeskState, type JoinResponse } from './protocol';
import type { Replication } from './replication';
import type { ThrottleRecords } from '../security/login-throttle';

/** A site operation refused, with what to tell the person (the CLI prints it; the peer listener answers it). */
export class SiteError extends Error {
  constructor(
    message: string,
    readonly status = 409,
  ) {
    super(message);
  }
}

/** Guessing is throttled (API contract Part 3): 1,000 wrong codes take at least a code's 15 minutes. */
const WRONG_CODE_PAUSE_MS = 1000;
/** A code that is not one this desk handed out, unused and unexpired: its transaction ends, then the pause is kept. */
class WrongCode extends Error {}

/** The wrong codes' record among the failed sign-ins': no username can be this (it has a line break). */
const WRONG_CODES_KEY = '\njoin codes';

/**
 * The site a desk belongs to (API contract Part 3, Pairing and Desks): made at its first
 * desk, joined by the others with a one-time code that pins the inviting desk's certificate.
 */
export function siteService(deps: {
  dataDir: string;
  /**
   * A company server's own store: it is a desk of the sites it holds (company/company-sites.ts),
   * never itself the desk of a site, which would put a second listener and key beside theirs.
   */
  companyStore?: boolean;
  writes: Writes;
  site: SiteRepository;
  replica: ReplicaRepository;
  changeLog: ChangeLogRepository;
  replication: () => Replication;
  /**
   * Where the last wrong code is kept: the desk's memory, or the table a company server's
   * instances share (API contract Part 6: no state that only one process knows).
   */
  throttleRecords: ThrottleRecords;
  now: () => number;
}) {
  const { writes, site, changeLog, throttleRecords: records } = deps;
  let credentials = readDeskCredentials(deps.dataDir);
  let joining = false;

  const deskState = (row: DeskRow): DeskState => ({
    desk_id: row.desk_id,
    name: row.name,
    certificate: row.certificate,
    address: row.address,
    revoked_at: row.revoked_at,
  });

  function member(): { site_id: string; name: string } {
    const found = site.site();
    if (!found)
      throw new ApiError('3404', 'This desk does not belong to a site: run "site create" or "site join" first.');
    return found;
  }

  function refuseOnCompanyStore(): void {
    if (deps.companyStore) {
      throw new SiteError(
        'This is a company server: it holds sites apart. Make one with "site create --database", and join its desks to it.',
      );
    }
  }

  /** Makes this desk the first desk of a new site; a company server gives the site's ID (its schema's name). */
  async function create(
    name: string,
    deskName = os.hostname(),
    siteId = randomBytes(16).toString('hex'),
  ): Promise<void> {
    refuseOnCompanyStore();
    if (site.site()) throw new SiteError('This desk already belongs to a site.');
    const made = await newDeskCredentials(changeLog.deskId());
    saveDeskCredentials(deps.dataDir, made);
    writes.run(() => {
      site.createSite(siteId, name);
      site.addDesk({
        desk_id: changeLog.deskId(),
        name: deskName,
        fingerprint: made.fingerprint,
        certificate: made.certificate,
        address: null,
      });
      changeLog.noteEverything();
    });
    credentials = made;
  }

  /** A one-time join code, valid for 15 minutes. */
  function invite(): { code: string; expiresAt: number } {
    member();
    const { text, secretHash } = newJoinCode(credentials!.fingerprint);
    const expiresAt = deps.now() + JOIN_CODE_LIFETIME_MS;
    writes.run(() => site.addJoinCode(secretHash, expiresAt, deps.now()));
    return { code: text, expiresAt };
  }

  /**
   * The inviting side of a join: the code must be one this desk handed out, unused and
   * unexpired; the new desk is added as a desk of the site (a change like any other, so the
   * other desks learn it) and told the site and its desks.
   */
  function acceptJoin(code: string, desk: Omit<DeskState, 'revoked_at'>): JoinResponse {
    const { site_id, name } = member();
    const now = deps.now();
    const lastWrong = records.atomically(() => records.get(WRONG_CODES_KEY))?.lastFailureAt;
    if (lastWrong !== undefined && now >= lastWrong && now < lastWrong + WRONG_CODE_PAUSE_MS) {
      throw new SiteError('Too many wrong join codes: try again in a second.', 429);
    }
    const parsed = parseJoinCode(code);
    // Kept after the join's own transaction, which a wrong code rolls back.
    const refused = (): SiteError => {
      records.atomically(() => records.set(WRONG_CODES_KEY, { failures: 1, lastFailureAt: deps.now() }));
      return new SiteError('That join code is wrong, used or expired: make a new one on the inviting desk.', 403);
    };
    if (!parsed) throw refused();
    try {
      return writes.run(() => {
        if (!site.useJoinCode(hashSecret(parsed.secret), now)) throw new WrongCode();
        const known = site.desk(desk.desk_id);
        // The same desk again, with the same key (its first join did not finish on its side), joins again.
        if (known && known.fingerprint !== fingerprintOf(desk.certificate)) {
          throw new SiteError('A desk with that ID is already part of the site.');
        }
        if (known?.revoked_at != null) throw new SiteError('That desk was revoked: it cannot join again.', 403);
        if (!known) site.addDesk({ ...desk, fingerprint: fingerprintOf(desk.certificate) });
        return {
          site_id,
          site_name: name,
          id_base: randomInt(1, 2 ** 20) * NUMBERS_PER_DESK,
          desks: site.desks().map(deskState),
        };
      });
    } catch (error) {
      throw error instanceof WrongCode ? refused() : error;
    }
  }

  /**
   * The joining side: this desk (new, or without visitors) checks that the desk at `address`
   * presents the certificate its code names, joins, and fetches the whole site from it.
   */
  async function join(
    address: string,
    code: string,
    deskName: string,
    ownAddress: string | null,
    options: { fetchNow: boolean } = { fetchNow: true },
  ): Promise<void> {
    refuseOnCompanyStore();
    // One join at a time: two at once with codes of two sites would leave the desk in one
    // site with the key the other was given.
    if (joining) throw new SiteError('This desk is joining a site already: wait for it to finish.');
    joining = true;
    try {
      await joinOnce(address, code, deskName, ownAddress, options);
    } finally {
      joining = false;
    }
  }

  async function joinOnce(
    address: string,
    code: string,
    deskName: string,
    ownAddress: string | null,
    options: { fetchNow: boolean },
  ): Promise<void> {
    if (site.site()) throw new SiteError('This desk already belongs to a site.');
    if (site.recordCount() > 0) {
      throw new SiteError('This desk has visitors or roll calls: only a new desk can join a site.');
    }
    const parsed = parseJoinCode(code);
    if (!parsed) throw new SiteError('That is not a join code (32 letters and digits, as the inviting desk printed).');
    const presented = await presentedCertificate(address, parsed.fingerprintPrefix);
    if (!fingerprintOf(presented).startsWith(parsed.fingerprintPrefix)) {
      throw new SiteError(`The desk at ${address} is not the desk that made this code: nothing was sent to it.`);
    }
    // The key is kept before the site is asked: when its answer is lost on the way, the join
    // is tried again with the same key, which the site knows (acceptJoin). Alone, a key does
    // nothing: a desk listens and asks only once it belongs to a site.
    const made = credentials ?? (await newDeskCredentials(changeLog.deskId()));
    if (!credentials) {
      saveDeskCredentials(deps.dataDir, made);
      credentials = made;
    }
    const answer = await callPeer({
      address,
      path: '/peer/v1/join',
      body: {
        code,
        desk: { desk_id: changeLog.deskId(), name: deskName, certificate: made.certificate, address: ownAddress },
      },
      pinned: presented,
      credentials: made,
      schema: joinResponseSchema,
    });
    const inviter = fingerprintOf(presented);
    writes.run(
      () => {
        site.clearForJoin();
        site.createSite(answer.site_id, answer.site_name);
        site.setIdBase(answer.id_base);
        for (const desk of answer.desks) deps.replica.writeDesk(desk, fingerprintOf(desk.certificate));
        const inviting = site.byFingerprint(inviter);
        if (inviting) site.setAddressOverride(inviting.desk_id, address);
      },
      { received: true },
    );
    // From the command line the site is fetched before it returns; from the first-run
    // screen the peer listener's rounds fetch it, while the screen waits for the accounts.
    const inviting = site.byFingerprint(inviter);
    if (inviting && options.fetchNow) await deps.replication().pullFrom(inviting);
  }

  /** The site and its desks as Administration → Site shows them (GET /v1/admin/site). */
  function describe(): SiteResponse['data'] {
    const { site_id, name } = member();
    const me = changeLog.deskId();
    const mine = changeLog.vector();
    return {
      site_id,
      name,
      desk_id: me,
      desks: site.desks().map((desk) => {
        const theirs = desk.their_vector === null ? null : (JSON.parse(desk.their_vector) as Record<string, number>);
        const self = desk.desk_id === me;
        return {
          desk_id: desk.desk_id,
          name: desk.name,
          address: desk.address_override ?? desk.address,
          last_heard_time: self || desk.last_heard_at === null ? null : formatLocalTime(desk.last_heard_at),
          revoked: desk.revoked_at !== null,
          pending_to: self ? 0 : changeLog.countAfter(theirs ?? {}),
          pending_from:
            self || !theirs
              ? 0
              : Object.entries(theirs).reduce((sum, [origin, seq]) => sum + Math.max(0, seq - (mine[origin] ?? 0)), 0),
        };
      }),
    };
  }

  /** The site as every staff member may see it (GET /v1/site); null for a desk alone. */
  function status(listening: string | undefined): SiteStatus['site'] {
    const found = site.site();
    if (!found) return null;
    const me = site.desk(changeLog.deskId());
    return {
      site_id: found.site_id,
      name: found.name,
      desk_id: changeLog.deskId(),
      desk_name: me?.name ?? '',
      listening: listening ?? null,
      desks: othersHeard(),
    };
  }

  /** Every other desk of the site that is not revoked, and when this desk last heard from it. */
  function othersHeard(): RollDesk[] {
    const me = changeLog.deskId();
    return site
      .desks()
      .filter((desk) => desk.desk_id !== me && desk.revoked_at === null)
      .map((desk) => ({
        desk_id: desk.desk_id,
        name: desk.name,
        last_heard_time: desk.last_heard_at === null ? null : formatLocalTime(desk.last_heard_at),
      }));
  }

  /** Revokes a desk (a stolen or retired kiosk): no desk of the site accepts from or sends to it again. */
  function revoke(deskId: string): void {
    member();
    if (deskId === changeLog.deskId())
      throw new ApiError('2409', 'A desk cannot revoke itself: revoke it from another desk.');
    if (!site.desk(deskId)) throw new ApiError('3404', `There is no desk ${deskId} in this site.`);
    writes.run(() => site.revoke(deskId, deps.now()));
  }

  return {
    create,
    invite,
    describe,
    status,
    othersHeard,
    revoke,
    isMember: (): boolean => site.site() !== undefined,
    /** The site's name; undefined before it is one. */
    name: (): string | undefined => site.site()?.name,
    acceptJoin,
    join,
    credentials: (): DeskCredentials | undefined => credentials,
    /** The desk a peer's certificate belongs to, if it is a desk of the site that is not revoked. */
    deskOf(fingerprint: string): DeskRow | undefined {
      const desk = site.byFingerprint(fingerprint);
      return desk && desk.revoked_at === null ? desk : undefined;
    },
    /**
     * A desk of the site called: what it holds is kept (what each side still lacks, on
     * Administration → Site), and the address it says it listens on is taken (a change, so
     * that every desk learns it). Being asked is not hearing from it: only its answers bring
     * its changes (replication.ts), so over a link that works one way a roll call does not
     * show as recent a desk whose check-ins it lacks. Returns which desk it is.
     */
    calledFrom(desk: DeskRow, request: { address: string | null; have: Record<string, number> }): string {
      const said = request.address === null ? undefined : parsePeerAddress(request.address);
      const moved = said !== undefined && said !== desk.address;
      if (moved || desk.their_vector !== JSON.stringify(request.have)) {
        writes.run(() => {
          site.theyHave(desk.desk_id, request.have);
          if (moved) site.setAddress(desk.desk_id, said);
        });
      }
      return desk.desk_id;
    },
    /** Sets where this desk reaches another desk, over any address it learnt (DHCP moved it). */
    setAddressFor(deskId: string, address: string): void {
      member();
      if (!site.desk(deskId)) throw new ApiError('3404', `There is no desk ${deskId} in this site.`);
      writes.run(() => site.setAddressOverride(deskId, address));
    },
    /** The address this desk last listened for peers on, if it did. */
    lastAddress: (): string | null => site.desk(changeLog.deskId())?.address ?? null,
    /** Where this desk listens for peers now: told to the other desks when it moved. */
    listeningAt(address: string): void {
      const me = site.desk(changeLog.deskId());
      if (me && me.address !== address) writes.run(() => site.setAddress(me.desk_id, address));
    },
  };
}

export type SiteService = ReturnType<typeof siteService>;
