import type { Migration } from '../migration';
import { initial } from './001-initial';
import { roles } from './002-roles';
import { site } from './003-site';
import { privacy } from './004-privacy';
import { evacuations } from './005-evacuations';
import { retentionChoice } from './006-retention-choice';
import { expectedTime } from './007-expected-time';
import { changeLog } from './008-change-log';
import { siteDesks } from './009-site-desks';
import { siteRolls } from './010-site-rolls';
import { siteAudit } from './011-site-audit';
import { notifications } from './012-notifications';
import { checkinFlows } from './013-checkin-flows';

/** Every schema version in order; version N is `MIGRATIONS[N - 1]`. Append, never edit. */
export const MIGRATIONS: readonly Migration[] = [
  initial,
  roles,
  site,
  privacy,
  evacuations,
  retentionChoice,
  expectedTime,
  changeLog,
  siteDesks,
  siteRolls,
  siteAudit,
  notifications,
  checkinFlows,
];
