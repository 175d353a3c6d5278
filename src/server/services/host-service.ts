import type { Host, HostFields, HostImportResult, HostPatch } from '../../shared/hosts';
import { ApiError } from '../api-error';
import type { VisiteesRepository } from '../db/repositories/visitees';
import { parseHostFile } from './host-import';
import type { Writes } from './unit-of-work';

/** Thrown inside a dry run's transaction so that nothing it did stays. */
class DryRunRollback extends Error {}

export function hostService(deps: { visitees: VisiteesRepository; writes: Writes }) {
  const { visitees, writes } = deps;

  function get(visiteeNo: number): Host {
    const host = visitees.byNo(visiteeNo);
    if (!host) throw new ApiError('3404', `There is no host number ${visiteeNo}.`);
    return host;
  }

  function create(fields: Pick<HostFields, 'name'> & Partial<HostFields>): Host {
    return get(writes.run(() => visitees.insert(fields)));
  }

  /**
   * Fields absent from the change keep their value as stored. Only the fields sent are
   * checked (the route's schema did that): a host written by an older version with a
   * value today's rules refuse can still be renamed or deactivated.
   */
  function change(visiteeNo: number, patch: HostPatch): Host {
    writes.run(() => {
      const current = get(visiteeNo);
      const sent = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
      visitees.update({ ...current, ...sent });
    });
    return get(visiteeNo);
  }

  /**
   * Imports a host file in one transaction: a row whose e-mail matches a host updates it
   * (and makes it active again), other rows are added. A dry run does the same work and
   * rolls it back, so the preview is exactly what the import will do.
   */
  function importFile(body: Buffer, options: { dryRun: boolean }): HostImportResult {
    const parsed = parseHostFile(body);
    const preview: NonNullable<HostImportResult['rows']> = [];
    let added = 0;
    let updated = 0;
    const run = () => {
      for (const { line, host } of parsed.rows) {
        const existing = host.email ? visitees.byEmail(host.email) : undefined;
        if (existing) {
          visitees.update({ ...existing, ...host, active: true });
          updated++;
        } else {
          visitees.insert(host);
          added++;
        }
        if (options.dryRun)
          preview.push({ line, action: existing ? 'update' : 'add', name: host.name, email: host.email ?? null });
      }
      if (options.dryRun) throw new DryRunRollback();
    };
    try {
      // One unit: an import is all of its usable rows or nothing.
      writes.run(run);
    } catch (error) {
      if (!(error instanceof DryRunRollback)) throw error;
    }
    return {
      added,
      updated,
      rejected: parsed.rejected,
      ignored_columns: parsed.ignoredColumns,
      ...(options.dryRun ? { rows: preview } : {}),
    };
  }

  return { all: visitees.all, get, create, change, importFile };
}

export type HostService = ReturnType<typeof hostService>;
