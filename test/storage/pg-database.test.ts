import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_VERSION_TABLE, DATA_VERSION_TRIGGERS } from '../../src/server/db/postgres/data-version';
import { PgDatabase, WriteLockBusyError } from '../../src/server/db/postgres/pg-database';
import { DatabaseUnavailableError, PgStatementError } from '../../src/server/db/postgres/pg-sync';
import { pgValues, toPgStatement } from '../../src/server/db/postgres/sql-params';
import { describeWithPostgres, usePostgresCluster } from '../helpers/postgres';
import { pgWorkerFile } from '../../src/server/db/postgres/open-postgres';

describe('statements in the SQL both engines share', () => {
  it('numbers positional and named values, leaving quotes, comments, casts and text search alone', () => {
    const statement = toPgStatement(
      `SELECT '?' || "a@b", x::integer, v @@ q -- what? @no\n FROM t /* @none ? */ WHERE a = ? AND b = @name OR c = @name AND d = ?`,
    );
    expect(statement.text).toBe(
      `SELECT '?' || "a@b", x::integer, v @@ q -- what? @no\n FROM t /* @none ? */ WHERE a = $1 AND b = $2 OR c = $2 AND d = $3`,
    );
    expect(statement.order).toEqual([0, 'name', 1]);
    expect(pgValues(statement, [7, { name: 'Ada' }, 9])).toEqual([7, 'Ada', 9]);
    expect(pgValues(toPgStatement("SELECT 'it''s ?', ?"), [1])).toEqual([1]);
  });

  it('refuses a value left out or one too many, as better-sqlite3 does, and numbered parameters', () => {
    expect(() => pgValues(toPgStatement('SELECT @a, @b'), [{ a: 1 }])).toThrow('Missing named parameter "b"');
    expect(() => pgValues(toPgStatement('SELECT ?, ?'), [1])).toThrow(RangeError);
    expect(() => pgValues(toPgStatement('SELECT ?'), [1, 2])).toThrow('Too many');
    expect(() => toPgStatement('SELECT ?1')).toThrow(SyntaxError);
  });
});

/** What `read` gives once the database answers again (the pause after a failure, a restart). */
async function answered<T>(read: () => T): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof DatabaseUnavailableError) || tries > 300) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describeWithPostgres('a PostgreSQL database answered synchronously', () => {
  const cluster = usePostgresCluster();
  let url: string;
  let db: PgDatabase;
  const open = (): PgDatabase => new PgDatabase({ connectionString: url, workerFile: pgWorkerFile(), timeoutMs: 3000 });

  beforeAll(async () => {
    url = await cluster().createDatabase('frontdesk');
    db = open();
    db.write(() =>
      db.exec(`
        CREATE TABLE visitors (id INTEGER PRIMARY KEY, name TEXT NOT NULL, hash BYTEA, at BIGINT);
        CREATE TABLE counter (n INTEGER NOT NULL);
        INSERT INTO counter VALUES (0);
        ${DATA_VERSION_TABLE}
        ${DATA_VERSION_TRIGGERS}`),
    );
  });

  afterAll(async () => {
    await db?.close();
  });

  it('gives rows as objects, first values or arrays, with numbers and bytes as SQLite does', () => {
    const insert = db.prepare('INSERT INTO visitors (id, name, hash, at) VALUES (@id, @name, @hash, @at)');
    db.write(() => {
      insert.run({ id: 1, name: 'Ada', hash: Buffer.from([1, 2, 255]), at: 1_700_000_000_000 });
      insert.run({ id: 2, name: 'Grace', hash: null, at: 2 });
    });
    expect(db.prepare('SELECT id, name, hash, at FROM visitors WHERE id = ?').get(1)).toEqual({
      id: 1,
      name: 'Ada',
      hash: Buffer.from([1, 2, 255]),
      at: 1_700_000_000_000,
    });
    expect(db.prepare('SELECT count(*) FROM visitors').pluck().get()).toBe(2);
    expect(db.prepare('SELECT id, name FROM visitors ORDER BY id').raw().all()).toEqual([
      [1, 'Ada'],
      [2, 'Grace'],
    ]);
    expect(db.prepare('SELECT * FROM visitors WHERE id = 99').get()).toBeUndefined();
    expect(db.write(() => db.prepare("UPDATE visitors SET name = name || '!'").run())).toEqual({ changes: 2 });
  });

  it('hears of writes made elsewhere, and not of its own', async () => {
    const before = db.externalChanges();
    db.write(() => db.prepare('UPDATE counter SET n = n').run());
    db.write(() => db.prepare('SELECT n FROM counter').get());
    expect(db.externalChanges()).toBe(before);
    const other = open();
    try {
      other.write(() => other.prepare('UPDATE counter SET n = n').run());
    } finally {
      await other.close();
    }
    expect(db.externalChanges()).toBe(before + 1);
  });

  it('refuses a write outside a transaction, and a statement PostgreSQL refuses with its SQLSTATE', () => {
    expect(() => db.prepare('DELETE FROM visitors').run()).toThrow('a write outside a transaction');
    expect(db.prepare("SELECT count(*) FROM visitors WHERE name <> 'update'").pluck().get()).toBe(2);
    const duplicate = (): unknown =>
      db.write(() => db.prepare('INSERT INTO visitors (id, name) VALUES (1, ?)').run('x'));
    expect(duplicate).toThrow(PgStatementError);
    try {
      duplicate();
    } catch (error) {
      expect((error as PgStatementError).code).toBe('23505');
    }
    expect(db.prepare('SELECT count(*) FROM visitors').pluck().get()).toBe(2);
  });

  it('undoes a transaction that throws, and only the savepoint that threw inside one', () => {
    const bump = db.prepare('UPDATE counter SET n = n + 1');
    const n = db.prepare('SELECT n FROM counter').pluck();
    expect(() =>
      db.write(() => {
        bump.run();
        throw new Error('changed my mind');
      }),
    ).toThrow('changed my mind');
    expect(n.get()).toBe(0);
    db.write(() => {
      bump.run();
      expect(() =>
        db.write(() => {
          bump.run();
          throw new Error('not this part');
        }),
      ).toThrow('not this part');
      expect(db.inTransaction).toBe(true);
      bump.run();
    });
    expect(n.get()).toBe(2);
    expect(db.inTransaction).toBe(false);
  });

  it('lets one instance write at a time: another that will not wait is refused, and writes nothing', async () => {
    const other = open();
    try {
      db.write(() => {
        db.prepare('UPDATE counter SET n = 100').run();
        expect(() =>
          other.write(() => other.prepare('UPDATE counter SET n = -1').run(), { waitForLock: false }),
        ).toThrow(WriteLockBusyError);
      });
      expect(other.prepare('SELECT n FROM counter').pluck().get()).toBe(100);
      other.write(() => other.prepare('UPDATE counter SET n = 0').run(), { waitForLock: false });
      expect(db.prepare('SELECT n FROM counter').pluck().get()).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('keeps every acknowledged write through a crash of the server, and loses the transaction it cut', async () => {
    const insert = db.prepare('INSERT INTO visitors (id, name) VALUES (?, ?)');
    for (let id = 100; id < 150; id++) db.write(() => insert.run(id, `visitor ${id}`));
    expect(() =>
      db.write(() => {
        insert.run(500, 'never acknowledged');
        cluster().crashAndRestart();
        insert.run(501, 'after the crash');
      }),
    ).toThrow(DatabaseUnavailableError);
    expect(db.inTransaction).toBe(false);
    // The pool's connections died with the server: after a pause, reads find a new one by themselves.
    const ids = await answered(() => db.prepare('SELECT id FROM visitors WHERE id >= 100 ORDER BY id').pluck().all());
    expect(ids).toEqual(Array.from({ length: 50 }, (_, i) => 100 + i));
    db.write(() => insert.run(150, 'after'));
  });

  it('answers "unavailable" while the server is down, rather than waiting for it, and recovers by itself', async () => {
    await cluster().stop();
    try {
      expect(() => db.prepare('SELECT 1').get()).toThrow(DatabaseUnavailableError);
      // Refused at once now: the server's thread does not wait on a database it just found gone.
      expect(() => db.write(() => db.prepare('UPDATE counter SET n = 5').run())).toThrow(/a moment ago/);
      expect(db.inTransaction).toBe(false);
    } finally {
      await cluster().start();
    }
    expect(await answered(() => db.prepare('SELECT n FROM counter').pluck().get())).toBe(0);
  });

  it("gives up waiting for another instance's write lock as a refusal, and leaves no lock behind", () => {
    const slow = new PgDatabase({ connectionString: url, workerFile: pgWorkerFile(), timeoutMs: 3000 });
    const other = open();
    try {
      db.write(() => {
        db.prepare('UPDATE counter SET n = n').run();
        // lock_timeout, shorter than a statement's own time: refused (55P03), not taken for a lost connection.
        expect(() => slow.write(() => slow.prepare('UPDATE counter SET n = n').run())).toThrow(PgStatementError);
      });
      expect(slow.write(() => slow.prepare('UPDATE counter SET n = n').run())).toEqual({ changes: 1 });
      other.write(() => other.prepare('UPDATE counter SET n = n').run(), { waitForLock: false });
    } finally {
      void slow.close();
      void other.close();
    }
  });
});
