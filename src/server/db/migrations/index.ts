import { initial } from './001-initial';

/** Every schema version in order; version N is `MIGRATIONS[N - 1]`. Append, never edit. */
export const MIGRATIONS: readonly { name: string; sql: string }[] = [{ name: '001-initial', sql: initial }];
