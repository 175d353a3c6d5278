import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/cli/seed/portrait';
import { openDatabase } from '../../src/server/db/connection';
import { DatabaseFromTheFutureError } from '../../src/server/db/migrate';
import { MIGRATIONS } from '../../src/server/db/migrations';
import { visitorsRepository } from '../../src/server/db/repositories/visitors';
import { logFilter, searchWords } from '../../src/server/services/log-search';
import { tempDataDir } from '../helpers/server';

describe('the database', () => {
  const dirs: string[] = [];
  const fresh = (): string => {
    const dir = tempDataDir();
    dirs.push(dir);
    return path.join(dir, 'frontdesk.db');
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('opens in WAL mode with synchronous=FULL and foreign keys on', () => {
    const db = openDatabase(fresh());
    expect(db.raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.raw.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.raw.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.raw.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('applies every migration and records the version', () => {
    const db = openDatabase(fresh());
    expect(db.raw.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(
      expect.arrayContaining(['users', 'tokens', 'visitees', 'visitors', 'photos', 'photo_intents']),
    );
    db.close();
  });

  it('refuses a database from a newer version of the app, and leaves it untouched', () => {
    const file = fresh();
    const raw = new Database(file);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    expect(() => openDatabase(file)).toThrow(DatabaseFromTheFutureError);
    const again = new Database(file);
    expect(again.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length + 1);
    again.close();
  });

  it('reopens an up-to-date database without migrating or backing up', () => {
    const file = fresh();
    openDatabase(file).close();
    openDatabase(file).close();
    expect(fs.readdirSync(path.dirname(file)).filter((name) => name.endsWith('.bak.db'))).toEqual([]);
  });

  describe('query plans of the hot queries', () => {
    const plan = (db: Database.Database, sql: string, ...params: unknown[]): string =>
      db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...params)
        .map((row) => (row as { detail: string }).detail)
        .join('\n');

    it('reads visitors on the premises through the partial index', () => {
      const db = openDatabase(fresh());
      const detail = plan(db.raw, 'SELECT seq FROM visitors WHERE exit_at IS NULL ORDER BY seq');
      expect(detail).toContain('visitors_on_site');
      expect(detail).not.toContain('TEMP B-TREE');
      db.close();
    });

    it('pages the visitors on the premises through the partial index, newest first, without sorting', () => {
      const db = openDatabase(fresh());
      const detail = plan(
        db.raw,
        'SELECT seq FROM visitors WHERE exit_at IS NULL AND seq < ? ORDER BY seq DESC LIMIT 50',
        9,
      );
      expect(detail).toContain('visitors_on_site');
      expect(detail).not.toContain('TEMP B-TREE');
      db.close();
    });

    it('pages the log by primary key, newest first, without sorting', () => {
      const db = openDatabase(fresh());
      const detail = plan(db.raw, 'SELECT * FROM visitors WHERE seq < ? ORDER BY seq DESC LIMIT 50', 1000);
      expect(detail).toMatch(/SEARCH v?isitors USING INTEGER PRIMARY KEY \(rowid<\?\)/);
      expect(detail).not.toContain('TEMP B-TREE');
      db.close();
    });

    it('searches through the full-text index', () => {
      const db = openDatabase(fresh());
      const detail = plan(
        db.raw,
        'SELECT rowid FROM visitors_fts WHERE visitors_fts MATCH ? AND rowid < ? ORDER BY rowid DESC LIMIT 50',
        '"jo"*',
        1000,
      );
      expect(detail).toMatch(/VIRTUAL TABLE INDEX/);
      db.close();
    });

    it('finds a card on the premises through its unique partial index', () => {
      const db = openDatabase(fresh());
      const detail = plan(db.raw, 'SELECT 1 FROM visitors WHERE card_no = ? AND exit_at IS NULL', 5);
      expect(detail).toContain('visitors_card_on_site');
      db.close();
    });
  });

  it('pages a search within dates or of one type exactly as checking every visitor would, both ways, from any point', () => {
    const db = openDatabase(fresh());
    const visitors = visitorsRepository(db);
    const random = mulberry32(11);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const names = ['John Smith', 'Joanna Lee', 'Johan Berg', 'Mary Jones', 'Jo Ann', 'Anna Johns', 'Zed Quill'];
    const day = 24 * 60 * 60 * 1000;
    const all: { seq: number; name: string; entry_at: number; type_id: number | null }[] = [];
    let clock = Date.UTC(2026, 0, 1);
    // Type 2 is common, types 3 and 4 are rare, and nobody is of type 5.
    const types = [null, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 1];
    db.write(() => {
      for (let i = 0; i < 5000; i++) {
        // Now and then a clock set back: out of order entries are what seqBounds must still cover.
        clock += random() < 0.05 ? -3 * day : Math.floor(random() * day * 0.12);
        const visitor = {
          visitor_id: `V${String(i).padStart(21, '0')}`,
          card_no: 1 + (i % 9999),
          name: pick(names),
          mobile: '5551234',
          purpose: 'Meeting',
          visitee_no: null,
          entry_at: clock,
          exit_at: clock + 1,
          created_by: null,
          type_id: random() < 0.01 ? 4 : pick(types),
        };
        const seq = visitors.insert(visitor, null);
        all.push({ seq, name: visitor.name, entry_at: visitor.entry_at, type_id: visitor.type_id });
      }
    });
    const lastSeq = all.at(-1)!.seq;
    for (let round = 0; round < 300; round++) {
      const q = pick(['jo', 'joh', 'john smith', 'anna', 'zed']);
      const from = new Date(Date.UTC(2026, 0, 1) + Math.floor(random() * 270) * day).toISOString().slice(0, 10);
      const to = new Date(Date.parse(from) + Math.floor(random() * 40) * day).toISOString().slice(0, 10);
      const typeId = random() < 0.3 ? undefined : pick([1, 2, 2, 2, 3, 4, 5]);
      const dated = random() < 0.4;
      const filter = logFilter({ q, type_id: typeId, ...(dated ? { from, to } : {}) }, visitors);
      const direction = random() < 0.5 ? ('older' as const) : ('newer' as const);
      const seq = random() < 0.3 ? (direction === 'older' ? lastSeq + 1 : 0) : Math.floor(random() * (lastSeq + 2));
      const limit = 1 + Math.floor(random() * 30);
      const page = visitors.page(
        { direction, search: true, onSite: false, dated, type: filter.type },
        { ...filter.params, seq, limit },
      );
      const words = searchWords(q)!;
      const expected = all
        .filter((v) => (direction === 'older' ? v.seq < seq : v.seq > seq))
        .filter((v) =>
          words.every((word) =>
            v.name
              .toLowerCase()
              .split(' ')
              .some((part) => part.startsWith(word)),
          ),
        )
        .filter((v) => !dated || (v.entry_at >= filter.params.start! && v.entry_at < filter.params.end!))
        .filter((v) => typeId === undefined || (v.type_id ?? 1) === typeId)
        .sort((a, b) => (direction === 'older' ? b.seq - a.seq : a.seq - b.seq))
        .slice(0, limit);
      expect(page.map((v) => v.seq)).toEqual(expected.map((v) => v.seq));
    }
    db.close();
  });

  it('keeps the search index in step with visitors', () => {
    const db = openDatabase(fresh());
    const visitors = visitorsRepository(db);
    visitors.insert(
      {
        visitor_id: 'A'.repeat(22),
        card_no: 3,
        name: 'Émile Zola',
        mobile: '5551234',
        purpose: 'Interview',
        visitee_no: null,
        entry_at: 1,
        created_by: null,
      },
      null,
    );
    const search = () =>
      visitors.page(
        { direction: 'older', search: true, onSite: false, dated: false },
        { match: '"emile"*', seq: Number.MAX_SAFE_INTEGER, limit: 10 },
      );
    expect(search().map((v) => v.name)).toEqual(['Émile Zola']);
    db.prepare('DELETE FROM visitors').run();
    expect(search()).toEqual([]);
    db.close();
  });
});
