import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { openContext, SHARED_SWEEP_GRACE_MS } from '../../src/server/context';
import { ERASED_NAME } from '../../src/server/db/repositories/erasures';
import { auditLogRepository } from '../../src/server/db/repositories/audit-log';
import { verifyChain } from '../../src/server/services/audit';
import { formatLocalDate } from '../../src/shared/dates';
import { settingInWords } from '../../src/shared/settings';
import { sqlInAnotherProcess, type StoreOf } from '../helpers/another-process';
import { searchIndex } from '../../src/server/db/search-index';
import { processPhoto } from '../../src/server/media/photo-processing';
import { makeImage } from '../helpers/images';
import { makeSignature } from '../helpers/signature';
import { STAFF } from '../helpers/server';
import { startMailServer, type MailServer } from '../helpers/mail-server';
import { killHard, spawnServer, stopServer } from './server-process';
import { sqliteOf } from '../helpers/sqlite';

export interface CrashReport {
  kills: number;
  acknowledgedCheckIns: number;
  acknowledgedExits: number;
  /** Check-ins that fulfilled an expected visit, and host imports, acknowledged. */
  acknowledgedArrivals: number;
  acknowledgedImports: number;
  acknowledgedErasures: number;
  /** Retention purges the site client set going (by shortening photo retention). */
  purgesTriggered: number;
  /** Arrival notices and invitations the mail server received, once every desk had sent its outbox. */
  mailsReceived: number;
  /** Contractors' check-ins with a signature, acknowledged; check-ins the watchlist refused. */
  acknowledgedSignatures: number;
  watchlistRefusals: number;
  attempts: number;
  problems: string[];
}

interface Acknowledged {
  id: string;
  name: string;
  /** The name it was checked in with: its arrival notice's subject. */
  arrivedAs: string;
  card: number;
  /** A correction of the name sent but not (yet) acknowledged: either name may be found. */
  pendingName?: string;
}

/** A contractor signs the agreement with their check-in; a delivery comes without a photo. */
type CheckInKind = 'visitor' | 'contractor' | 'delivery';
/** Who the watchlist stops: no check-in of theirs may ever be stored. */
const WATCHED = 'Watched Person';

/**
 * Kills the server with SIGKILL at random moments while clients check visitors in and
 * out, restarts it on the same data folder and, after every kill, checks that nothing
 * acknowledged was lost and nothing half-written was left behind.
 */
export async function runCrashTorture(options: {
  /** A desk's data folder, or a company server's database and photo folder. */
  store: StoreOf;
  kills: number;
  seed?: number;
}): Promise<CrashReport> {
  let state = options.seed ?? 7;
  const random = (): number => {
    state = (state * 1103515245 + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const setup = await openContext(options.store);
  if (setup.auth.needsFirstUser()) await setup.auth.createFirstUser(STAFF.username, STAFF.password);
  setup.close();
  // Small photos make many check-ins per round; large ones are often mid-upload when the kill comes.
  const images = [
    await makeImage('jpeg', 320, 240, 3),
    await makeImage('png', 1200, 900, 4),
    await makeImage('bmp', 900, 700, 5),
  ];
  const signature = await makeSignature({ seed: 4 });
  let watchedRefusals = 0;
  let signedCheckIns = 0;

  const acknowledged = new Map<string, Acknowledged>();
  const exited = new Set<string>();
  // expected_id → the visitor whose acknowledged check-in fulfilled it.
  const arrivals = new Map<number, string>();
  // Every host import sent, by its batch tag; true once acknowledged.
  const imports = new Map<string, boolean>();
  let importCount = 0;
  // Visitors whose erasure was acknowledged.
  const erased = new Set<string>();
  let purgesTriggered = 0;
  let retentionDays = 30;
  const problems: string[] = [];
  let card = 0;
  let attempts = 0;
  let token = '';
  // Arrival notices and invitations go to a real mail server that outlives every kill.
  const mail = await startMailServer();
  let hostNo = 0;

  for (let round = 0; round < options.kills; round++) {
    const server = await spawnServer(options.store);
    if (!token) {
      const login = await fetch(`${server.url}/v1/oauth/`, { method: 'POST', body: new URLSearchParams(STAFF) });
      token = ((await login.json()) as { data: { access_token: string } }).data.access_token;
    }
    const headers = { authorization: `Token ${token}` };
    if (hostNo === 0) {
      hostNo = await setUpNotices(server.url, headers, mail.url);
      await setUpCheckInFlows(server.url, headers);
    }
    let alive = true;
    let watchedThisRound = false;
    const client = async (): Promise<void> => {
      while (alive) {
        attempts++;
        try {
          const onSite = [...acknowledged.values()].filter((v) => !exited.has(v.id));
          if (onSite.length > 5 && random() < 0.3) {
            const leaving = onSite[Math.floor(random() * onSite.length)]!;
            const response = await fetch(`${server.url}/v1/exit/${leaving.id}`, { method: 'POST', headers });
            if (response.status === 200) exited.add(leaving.id);
            continue;
          }
          if (onSite.length > 5 && random() < 0.15) {
            // A correction: the name and its search words commit together, or neither.
            const fixing = onSite[Math.floor(random() * onSite.length)]!;
            const fixed = `Fixed ${round}x${attempts}`;
            fixing.pendingName = fixed;
            const response = await fetch(`${server.url}/v1/visitors/${fixing.id}`, {
              method: 'PATCH',
              headers: { ...headers, 'content-type': 'application/json' },
              body: JSON.stringify({ name: fixed }),
            });
            if (response.status === 200) {
              fixing.name = fixed;
              delete fixing.pendingName;
            }
            continue;
          }
          card = (card % 9999) + 1;
          const myCard = card;
          const pick = random();
          const kind: CheckInKind = pick < 0.25 ? 'contractor' : pick < 0.35 ? 'delivery' : 'visitor';
          // Each round's first check-in is the watched person: refused quickly, before any kill.
          const watched = !watchedThisRound;
          watchedThisRound = true;
          const name = watched ? WATCHED : `Visitor ${round}-${myCard}`;
          const form = new FormData();
          form.set('cardno', String(myCard));
          form.set('name', name);
          form.set('mobile', '5550100');
          form.set('purpose', 'Crash test');
          form.set('visitee_no', String(hostNo));
          if (kind === 'contractor') {
            form.set('type_id', '2');
            form.set('agreement_version', '1');
            form.set('signature', new Blob([new Uint8Array(signature)], { type: 'image/png' }), 's.png');
          }
          if (kind === 'delivery') form.set('type_id', '4');
          else form.set('image', new Blob([new Uint8Array(images[Math.floor(random() * images.length)]!)]), 'p');
          const response = await fetch(`${server.url}/v1/add/`, { method: 'POST', body: form, headers });
          if (watched) {
            if (response.status === 409) watchedRefusals++;
            else if (response.status === 200) problems.push('a check-in the watchlist should stop was stored');
          } else if (response.status === 200) {
            const { visitor_id } = (await response.json()) as { visitor_id: string };
            acknowledged.set(visitor_id, { id: visitor_id, name, arrivedAs: name, card: myCard });
            if (kind === 'contractor') signedCheckIns++;
          }
        } catch {
          // The server died under us: whatever was not acknowledged may or may not exist.
        }
      }
    };
    // The site's own writes: expected visits checked in (the visitor and the arrival
    // commit together), and host files imported in one transaction each.
    const siteClient = async (): Promise<void> => {
      const json = { ...headers, 'content-type': 'application/json' };
      while (alive) {
        attempts++;
        try {
          const candidates = [...acknowledged.keys()].filter((id) => !erased.has(id));
          if (candidates.length > 10 && random() < 0.15) {
            // A purge under way when the kill comes: some visitors left 40 days ago (as another
            // process could have written), and a shorter photo retention starts the purge now.
            const backdated = candidates.slice(0, 8).map((id) => `'${id}'`);
            sqlInAnotherProcess(
              options.store,
              `UPDATE visitors SET exit_at = ${Date.now() - 40 * 86_400_000}, exit_kind = 'desk'
                WHERE visitor_id IN (${backdated.join(', ')})`,
            );
            retentionDays = retentionDays === 30 ? 29 : 30;
            const response = await fetch(`${server.url}/v1/admin/settings`, {
              method: 'PATCH',
              headers: json,
              body: JSON.stringify({ photo_retention_days: retentionDays }),
            });
            if (response.status === 200) purgesTriggered++;
            continue;
          }
          if (candidates.length > 3 && random() < 0.3) {
            const visitorId = candidates[Math.floor(random() * candidates.length)]!;
            const response = await fetch(`${server.url}/v1/admin/visitors/${visitorId}/erase`, {
              method: 'POST',
              headers: json,
              body: JSON.stringify({ reason: 'request' }),
            });
            if (response.status === 200) erased.add(visitorId);
            continue;
          }
          if (random() < 0.15) {
            // A roll call: started, someone on it marked safe, or closed.
            const calls = (await (await fetch(`${server.url}/v1/evacuations`, { headers })).json()) as {
              data: { evacuation_id: number; closed_time: string | null }[];
            };
            const open = calls.data.find((call) => call.closed_time === null);
            if (!open) {
              await fetch(`${server.url}/v1/evacuations`, { method: 'POST', headers: json, body: '{"kind":"drill"}' });
            } else if (random() < 0.2) {
              await fetch(`${server.url}/v1/evacuations/${open.evacuation_id}/close`, { method: 'POST', headers });
            } else {
              const roll = (await (
                await fetch(`${server.url}/v1/evacuations/${open.evacuation_id}`, { headers })
              ).json()) as {
                data: { people: { visitor_id: string }[] };
              };
              const person = roll.data.people[Math.floor(random() * roll.data.people.length)];
              if (person) {
                const to = `${server.url}/v1/evacuations/${open.evacuation_id}/accounted/${person.visitor_id}`;
                await fetch(to, { method: 'POST', headers });
              }
            }
            continue;
          }
          if (random() < 0.4) {
            const batch = `b${round}x${importCount++}`;
            imports.set(batch, false);
            const csv = [
              'name,email',
              ...Array.from({ length: 300 }, (_, i) => `Host ${batch} ${i},${batch}-${i}@example.com`),
            ];
            const response = await fetch(`${server.url}/v1/admin/visitees/import`, {
              method: 'POST',
              headers: { ...headers, 'content-type': 'text/csv' },
              body: csv.join('\n'),
            });
            if (response.status === 200) imports.set(batch, true);
            continue;
          }
          const created = await fetch(`${server.url}/v1/expected/`, {
            method: 'POST',
            headers: json,
            body: JSON.stringify({
              name: `Expected ${round}`,
              expected_date: formatLocalDate(new Date()),
              email: 'guest@example.org',
            }),
          });
          if (created.status !== 201) continue;
          const expectedId = ((await created.json()) as { data: { expected_id: number } }).data.expected_id;
          card = (card % 9999) + 1;
          const myCard = card;
          const name = `Arrival ${round}-${myCard}`;
          const form = new FormData();
          form.set('cardno', String(myCard));
          form.set('name', name);
          form.set('mobile', '5550100');
          form.set('purpose', 'Crash test');
          form.set('expected_id', String(expectedId));
          form.set('image', new Blob([new Uint8Array(images[0]!)]), 'p');
          const response = await fetch(`${server.url}/v1/add/`, { method: 'POST', body: form, headers });
          if (response.status === 200) {
            const { visitor_id } = (await response.json()) as { visitor_id: string };
            acknowledged.set(visitor_id, { id: visitor_id, name, arrivedAs: name, card: myCard });
            arrivals.set(expectedId, visitor_id);
          }
        } catch {
          // The server died under us, as above.
        }
      }
    };
    const clients = Promise.all([client(), client(), client(), siteClient()]);
    // The kill comes after a given amount of work, not a given time, so that a slow or
    // loaded machine is tested as thoroughly as a fast one: two check-ins acknowledged in
    // this round (and, by the last round, one of each of the site's writes), then a moment
    // of random length while more are in flight. A bound keeps a stuck server from hanging.
    const checkInsBefore = acknowledged.size;
    const lastRound = round === options.kills - 1;
    const enoughWork = (): boolean =>
      acknowledged.size - checkInsBefore >= 2 &&
      (!lastRound || (arrivals.size > 0 && erased.size > 0 && [...imports.values()].some(Boolean)));
    const giveUpAt = Date.now() + 60_000;
    while (!enoughWork() && Date.now() < giveUpAt) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, random() * 400));
    await killHard(server);
    alive = false;
    await clients;
    problems.push(
      ...(await verify(options.store, acknowledged, exited, arrivals, imports, erased)).map(
        (p) => `after kill ${round + 1}: ${p}`,
      ),
    );
  }
  problems.push(...(await verifyMail(options.store, token, mail, acknowledged)));
  await mail.close();
  return {
    acknowledgedSignatures: signedCheckIns,
    watchlistRefusals: watchedRefusals,
    mailsReceived: mail.received.length,
    kills: options.kills,
    acknowledgedCheckIns: acknowledged.size,
    acknowledgedExits: exited.size,
    acknowledgedArrivals: arrivals.size,
    acknowledgedImports: [...imports.values()].filter(Boolean).length,
    acknowledgedErasures: erased.size,
    purgesTriggered,
    attempts,
    problems,
  };
}

/** E-mail set up at the desk, and the host every check-in is for; returns the host's number. */
/** An agreement the contractors sign (Contractor is type 2), and a watchlist entry. */
async function setUpCheckInFlows(url: string, headers: Record<string, string>): Promise<void> {
  const json = { ...headers, 'content-type': 'application/json' };
  const post = async (pathname: string, method: string, body: unknown) => {
    const response = await fetch(url + pathname, { method, headers: json, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${pathname}: ${await response.text()}`);
    return (await response.json()) as { data: { agreement_id?: number } };
  };
  const agreement = await post('/v1/admin/agreements', 'POST', { title: 'Crash rules', text: 'Do not crash.' });
  await post('/v1/admin/visitor-types/2', 'PATCH', { agreement_id: agreement.data.agreement_id });
  await post('/v1/admin/watchlist', 'POST', { name: WATCHED, reason: 'Crash harness' });
}

async function setUpNotices(url: string, headers: Record<string, string>, smtpUrl: string): Promise<number> {
  const json = { ...headers, 'content-type': 'application/json' };
  const settings = await fetch(`${url}/v1/admin/settings`, {
    method: 'PATCH',
    headers: json,
    body: JSON.stringify({ smtp_url: smtpUrl, smtp_from: 'Crash desk <desk@example.org>' }),
  });
  if (settings.status !== 200) throw new Error(`could not set up e-mail: ${await settings.text()}`);
  const host = await fetch(`${url}/v1/admin/visitees`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ name: 'Crash Host', email: 'host@example.org' }),
  });
  return ((await host.json()) as { data: { visitee_no: number } }).data.visitee_no;
}

/**
 * After the last kill: the desk is started once more and sends what its outbox still holds
 * ("retry now" on each pending notice, as an admin would, rather than waiting for the backoff);
 * then every visitor who is still there was announced to their host at least once, a notice
 * sent more than once went with one Message-ID, and no mail names a check-in that never
 * committed.
 */
async function verifyMail(
  store: StoreOf,
  token: string,
  mail: MailServer,
  acknowledged: Map<string, Acknowledged>,
): Promise<string[]> {
  const problems: string[] = [];
  const server = await spawnServer(store);
  const headers = { authorization: `Token ${token}` };
  try {
    for (;;) {
      const pending = (await (
        await fetch(`${server.url}/v1/admin/notifications?status=pending`, { headers })
      ).json()) as { data: { notice_id: number; next_time: string | null }[] };
      if (pending.data.length === 0) break;
      for (const notice of pending.data) {
        await fetch(`${server.url}/v1/admin/notifications/${notice.notice_id}/retry`, { method: 'POST', headers });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await stopServer(server);
  }
  const ctx = await openContext({ ...store, sweepInterrupted: false });
  try {
    const rows = ctx.db
      .prepare('SELECT visitor_id, name, erased_at FROM visitors WHERE visitee_no IS NOT NULL')
      .all() as {
      visitor_id: string;
      name: string;
      erased_at: number | null;
    }[];
    const arrivals = mail.received.filter((message) => message.parsed.subject?.endsWith(' has arrived'));
    const idsBySubject = new Map<string, Set<string>>();
    for (const message of arrivals) {
      const subject = message.parsed.subject!;
      idsBySubject.set(subject, (idsBySubject.get(subject) ?? new Set()).add(message.messageId));
    }
    for (const [subject, ids] of idsBySubject) {
      if (ids.size > 1) problems.push(`"${subject}" was sent ${ids.size} times under different Message-IDs`);
    }
    const committed = new Set<string>();
    for (const row of rows) {
      if (row.erased_at !== null) continue;
      const arrivedAs = acknowledged.get(row.visitor_id)?.arrivedAs ?? row.name;
      committed.add(arrivedAs);
      if (!idsBySubject.has(`${arrivedAs} has arrived`))
        problems.push(`the host never heard that ${arrivedAs} arrived`);
    }
    for (const visitor of acknowledged.values()) committed.add(visitor.arrivedAs);
    for (const subject of idsBySubject.keys()) {
      const name = subject.slice(0, -' has arrived'.length);
      if (!committed.has(name)) problems.push(`a mail announced ${name}, whose check-in never committed`);
    }
  } finally {
    ctx.close();
  }
  return problems;
}

/** Opens the data folder as a restart would (running the start-up sweep) and checks it whole. */
async function verify(
  store: StoreOf,
  acknowledged: Map<string, Acknowledged>,
  exited: Set<string>,
  arrivals: Map<number, string>,
  imports: Map<string, boolean>,
  erased: Set<string>,
): Promise<string[]> {
  const problems: string[] = [];
  // On a company server's shared folder the start-up sweep leaves alone what is younger than
  // its grace (another instance may be writing it): made as old as that, what the kill left
  // must be cleared by the sweep below like a desk's.
  if (store.database) ageLeftovers(store, SHARED_SWEEP_GRACE_MS + 60_000);
  const ctx = await openContext(store);
  try {
    // PostgreSQL keeps its own pages whole (its WAL); a desk's file is checked here.
    if (ctx.db.dialect === 'sqlite') {
      const integrity = sqliteOf(ctx.db).pragma('integrity_check', { simple: true });
      if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
    }
    // A change commits with its change-log record: everything there is recorded, and this
    // desk's numbers run from 1 without a gap, whatever the kill interrupted.
    for (const [kind, table, key] of [
      ['visitor', 'visitors', 't.visitor_id'],
      ['host', 'visitees', 't.visitee_no'],
      ['expected', 'expected_visits', 't.expected_id'],
      ['roll', 'evacuations', 't.evacuation_id'],
      ['mark', 'evacuation_people', "t.evacuation_id || '/' || t.visitor_id"],
    ] as const) {
      const unrecorded = ctx.db
        .prepare(
          `SELECT count(*) FROM ${table} t WHERE NOT EXISTS
             (SELECT 1 FROM change_log c WHERE c.kind = '${kind}' AND c.key = CAST(${key} AS TEXT))`,
        )
        .pluck()
        .get() as number;
      if (unrecorded > 0) problems.push(`${unrecorded} ${table} rows have no change-log record`);
    }
    const numbers = ctx.db.prepare('SELECT count(*) AS n, max(seq) AS last FROM change_log').get() as {
      n: number;
      last: number | null;
    };
    if (numbers.n !== (numbers.last ?? 0)) problems.push(`change numbers 1–${numbers.last} have gaps (${numbers.n})`);
    const rows = ctx.db
      .prepare(
        `SELECT v.seq, v.visitor_id, v.name, v.card_no, v.exit_at, v.erased_at, v.type_id, p.format,
                s.name AS signed_as
           FROM visitors v LEFT JOIN photos p ON p.visitor_seq = v.seq
           LEFT JOIN signatures s ON s.visitor_id = v.visitor_id`,
      )
      .all() as {
      seq: number;
      visitor_id: string;
      name: string;
      card_no: number;
      exit_at: number | null;
      erased_at: number | null;
      type_id: number | null;
      format: string | null;
      signed_as: string | null;
    }[];
    const byId = new Map(rows.map((row) => [row.visitor_id, row]));
    const indexed = ctx.db
      .prepare<[{ match: string; limit: number }], number>(searchIndex(ctx.db.dialect).hits(() => 'true', 'ASC'))
      .pluck();
    for (const visitor of acknowledged.values()) {
      const row = byId.get(visitor.id);
      if (!row) {
        problems.push(`acknowledged check-in ${visitor.id} is missing`);
        continue;
      }
      const names = row.erased_at === null ? [visitor.name, visitor.pendingName] : [ERASED_NAME];
      if (!names.includes(row.name) || row.card_no !== visitor.card) problems.push(`check-in ${visitor.id} changed`);
      // A corrected name is found by the search index, whatever the kill interrupted.
      if (row.erased_at === null && row.name.startsWith('Fixed ')) {
        const word = row.name.split(' ')[1]!;
        const match = searchIndex(ctx.db.dialect).query([word], 'person');
        if (!indexed.all({ match, limit: 1_000_000 }).includes(row.seq))
          problems.push(`corrected ${visitor.id} is not searchable`);
      }
    }
    for (const id of erased) {
      if (byId.get(id)?.erased_at == null) problems.push(`acknowledged erasure of ${id} is missing`);
    }
    // A contractor's signature commits with their check-in; an erasure takes it away with the rest.
    for (const row of rows) {
      const signed = row.signed_as !== null;
      if (row.type_id === 2 && row.erased_at === null && !signed)
        problems.push(`contractor ${row.visitor_id} has no signature`);
      if (signed && (row.type_id !== 2 || row.erased_at !== null)) {
        problems.push(`visitor ${row.visitor_id} keeps a signature it should not have`);
      }
      if (row.name === WATCHED) problems.push(`a check-in the watchlist stops was stored (${row.visitor_id})`);
    }
    // A check-in's arrival notice commits with it: never a visitor without one, nor the reverse.
    const unannounced = ctx.db
      .prepare(
        `SELECT count(*) FROM visitors v WHERE v.visitee_no IS NOT NULL AND v.erased_at IS NULL
            AND NOT EXISTS (SELECT 1 FROM notices n WHERE n.visitor_id = v.visitor_id AND n.kind = 'arrival')`,
      )
      .pluck()
      .get() as number;
    if (unannounced > 0) problems.push(`${unannounced} check-ins have no arrival notice`);
    const orphans = ctx.db
      .prepare(
        "SELECT count(*) FROM notices n WHERE n.kind = 'arrival' AND NOT EXISTS (SELECT 1 FROM visitors v WHERE v.visitor_id = n.visitor_id)",
      )
      .pluck()
      .get() as number;
    if (orphans > 0) problems.push(`${orphans} arrival notices name no visitor`);
    for (const id of exited) if (byId.get(id)?.exit_at === null) problems.push(`acknowledged exit of ${id} is missing`);

    // An arrival and its check-in are one transaction: never one without the other.
    const visits = ctx.db.prepare('SELECT expected_id, status, visitor_id FROM expected_visits').all() as {
      expected_id: number;
      status: string;
      visitor_id: string | null;
    }[];
    for (const visit of visits) {
      if (visit.status === 'arrived' && (!visit.visitor_id || !byId.has(visit.visitor_id))) {
        problems.push(`expected visit ${visit.expected_id} arrived with no visitor`);
      }
      if (visit.status === 'expected' && visit.visitor_id !== null) {
        problems.push(`expected visit ${visit.expected_id} has a visitor but is not arrived`);
      }
    }
    const visitById = new Map(visits.map((visit) => [visit.expected_id, visit]));
    for (const [expectedId, visitorId] of arrivals) {
      const visit = visitById.get(expectedId);
      if (visit?.status !== 'arrived' || visit.visitor_id !== visitorId) {
        problems.push(`acknowledged arrival of expected visit ${expectedId} is missing`);
      }
    }
    // A host import is whole or absent, and whole once acknowledged.
    const counts = new Map<string, number>();
    for (const email of ctx.db.prepare('SELECT email FROM visitees').pluck().all() as (string | null)[]) {
      const batch = email?.split('-')[0] ?? '';
      counts.set(batch, (counts.get(batch) ?? 0) + 1);
    }
    for (const [batch, acknowledgedImport] of imports) {
      const n = counts.get(batch) ?? 0;
      if (n !== 0 && n !== 300) problems.push(`host import ${batch} is half there (${n} of 300)`);
      if (acknowledgedImport && n !== 300) problems.push(`acknowledged host import ${batch} is missing`);
    }
    // A settings change and its audit entry commit together: the newest entry about the
    // photo retention names the value stored, whatever the kill interrupted.
    const stored = ctx.settings.read().photo_retention_days;
    const lastChange = ctx.db
      .prepare(
        "SELECT detail FROM audit_log WHERE action = 'settings.update' AND detail LIKE 'photo retention:%' ORDER BY audit_id DESC LIMIT 1",
      )
      .pluck()
      .get() as string | undefined;
    if (lastChange !== undefined && !lastChange.endsWith(`→ ${settingInWords('photo_retention_days', stored)}`)) {
      problems.push(`photo retention is ${stored} but its last audit entry says "${lastChange}"`);
    }
    const chain = verifyChain(auditLogRepository(ctx.db));
    if (!chain.ok) problems.push(`audit trail: ${chain.problems.join('; ')}`);
    const expected = new Set<string>();
    for (const row of rows) {
      // An erasure removes the photo row with the personal data, in one transaction; the
      // files must then be gone too (the stray-file check below), and never the reverse.
      if (!row.format) {
        // Also gone, legitimately, for the visitors the purge clients backdated by 40 days; a
        // delivery comes without a photo.
        const purged = row.exit_at !== null && row.exit_at < Date.now() - 28 * 86_400_000;
        if (row.erased_at === null && !purged && row.type_id !== 4) {
          problems.push(`visitor ${row.visitor_id} has no photo row but is neither erased nor purged`);
        }
        continue;
      }
      if (row.erased_at !== null) problems.push(`erased visitor ${row.visitor_id} still has a photo row`);
      for (const kind of ['original', 'thumb'] as const) {
        const file = ctx.store.pathOf(row.visitor_id, kind, row.format as 'jpeg');
        expected.add(file);
        try {
          const bytes = fs.readFileSync(file);
          // The original goes through the upload decoder (BMP included); the thumbnail is a JPEG.
          if (kind === 'original') await processPhoto(bytes);
          else await sharp(bytes).metadata();
        } catch {
          problems.push(`${kind} of ${row.visitor_id} is missing or does not decode`);
        }
      }
    }
    const onDisk = (fs.readdirSync(ctx.store.root, { recursive: true }) as string[])
      .map((rel) => path.join(ctx.store.root, rel))
      .filter((file) => fs.statSync(file).isFile());
    for (const file of onDisk)
      if (!expected.has(file)) problems.push(`stray file ${path.relative(store.dataDir, file)}`);
  } finally {
    ctx.close();
  }
  return problems;
}

/** What an interrupted check-in left on a company server's folder, as if `ms` had passed since. */
function ageLeftovers(store: StoreOf, ms: number): void {
  sqlInAnotherProcess(store, `UPDATE photo_intents SET created_at = created_at - ${ms}`);
  const temporary = path.join(store.dataDir, 'photos', 'tmp');
  const then = new Date(Date.now() - ms);
  for (const name of fs.existsSync(temporary) ? fs.readdirSync(temporary) : []) {
    fs.utimesSync(path.join(temporary, name), then, then);
  }
}
