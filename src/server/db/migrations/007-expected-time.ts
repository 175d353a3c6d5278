import type { Migration } from '../migration';

/** An expected visit may say when the visitor is due ("HH:MM"); the day's list is in that order. */
export const expectedTime: Migration = {
  version: 7,
  name: 'expected-time',
  up(db) {
    db.exec(`
      ALTER TABLE expected_visits ADD COLUMN expected_time TEXT;
    `);
  },
};
