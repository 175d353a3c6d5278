import type { Migration } from '../migration';

/**
 * Evacuation rolls and their marks travel between the desks of a site (API contract Part 3).
 *
 * - A roll's number is taken from the desk's own range (db/own-numbers.ts) from now on. A
 *   desk already in a site moves the rolls it numbered below its range into it, so that two
 *   desks' roll 1 do not meet.
 * - Rolls started at two desks apart may both be open when they meet (services/roll-calls.ts
 *   shows them as one), so the index that allowed one open roll goes; a desk still refuses,
 *   under its write lock, to start a roll while one it knows is open.
 * - A desk in a site records the rolls and marks it holds in its change log, so they reach
 *   the other desks like every change made from now on.
 */
export const siteRolls: Migration = {
  version: 10,
  name: 'site-rolls',
  up(db) {
    db.exec(`
      DROP INDEX evacuations_one_open;

      CREATE TEMP TABLE moved AS
        SELECT evacuation_id AS old_id, evacuation_id + (SELECT id_base FROM this_desk) AS new_id
          FROM evacuations WHERE evacuation_id <= (SELECT id_base FROM this_desk);
      INSERT INTO evacuations (evacuation_id, kind, started_at, started_by, closed_at, closed_by)
        SELECT m.new_id, x.kind, x.started_at, x.started_by, x.closed_at, x.closed_by
          FROM evacuations x JOIN moved m ON m.old_id = x.evacuation_id;
      UPDATE evacuation_people SET evacuation_id = (SELECT new_id FROM moved WHERE old_id = evacuation_id)
        WHERE evacuation_id IN (SELECT old_id FROM moved);
      DELETE FROM evacuations WHERE evacuation_id IN (SELECT old_id FROM moved);
      DROP TABLE moved;

      CREATE TEMP TABLE held AS
        SELECT 'roll' AS kind, CAST(evacuation_id AS TEXT) AS key FROM evacuations
        UNION ALL
        SELECT 'mark', evacuation_id || '/' || visitor_id FROM evacuation_people;
      INSERT INTO change_log (origin, seq, kind, key)
        SELECT d.desk_id,
               (SELECT coalesce(max(seq), 0) FROM change_log WHERE origin = d.desk_id) + row_number() OVER (),
               h.kind, h.key
          FROM held h, this_desk d
         WHERE EXISTS (SELECT 1 FROM site);
      DROP TABLE held;
    `);
  },
};
