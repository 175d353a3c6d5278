/** The body of the function every table's data_version trigger runs. */
export const DATA_VERSION_MOVE = `
  BEGIN
    UPDATE data_version SET n = n + 1, tx = pg_current_xact_id()::text
     WHERE tx IS DISTINCT FROM pg_current_xact_id()::text;
    RETURN NULL;
  END `;

/**
 * What SQLite's data_version is to a desk's processes: moved once by every transaction that
 * changes a table, whoever's (another instance, a tool), by a trigger on each table
 * (DATA_VERSION_TRIGGERS). `tx` is the transaction that moved it last, by which an instance
 * knows its own writes (db/postgres/pg-database.ts).
 */
export const DATA_VERSION_TABLE = `
  CREATE TABLE IF NOT EXISTS data_version (one BIGINT PRIMARY KEY CHECK (one = 1), n BIGINT NOT NULL, tx TEXT);
  INSERT INTO data_version VALUES (1, 0, NULL) ON CONFLICT DO NOTHING;
  CREATE OR REPLACE FUNCTION data_version_move() RETURNS trigger LANGUAGE plpgsql AS $$${DATA_VERSION_MOVE}$$;`;

/**
 * A desk row's own bookkeeping of another desk (when it last heard from it, what it has), which
 * every exchange may write and which no screen shows: it does not move data_version, or every
 * instance of a company server would tell its streams that another's exchanges changed the data.
 * The desks trigger names the table's other columns, so a migration that drops or adds one of
 * them makes it again (DATA_VERSION_TRIGGERS runs after every upgrade; a drop needs the trigger
 * dropped first).
 */
const QUIET_DESK_COLUMNS = ['last_heard_at', 'their_vector'];

/**
 * A trigger on every table of the schema that moves data_version, but the version tables
 * and the sign-in throttle's (a guess is not a change anyone's screen must hear of), and a
 * desks' QUIET_DESK_COLUMNS only written: an UPDATE of its other columns moves it.
 */
export const DATA_VERSION_TRIGGERS = `DO $$
  DECLARE t text; updated text;
  BEGIN
    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema()
              AND tablename NOT IN ('data_version', 'schema_version', 'sign_in_attempts') LOOP
      updated := 'UPDATE';
      IF t = 'desks' THEN
        SELECT 'UPDATE OF ' || string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) INTO updated
          FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = t
           AND column_name NOT IN (${QUIET_DESK_COLUMNS.map((column) => `'${column}'`).join(', ')});
      END IF;
      EXECUTE format('CREATE OR REPLACE TRIGGER data_version_move AFTER INSERT OR %s OR DELETE OR TRUNCATE
                        ON %I FOR EACH STATEMENT EXECUTE FUNCTION data_version_move()', updated, t);
    END LOOP;
  END $$;`;
