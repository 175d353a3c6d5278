import { useQuery } from '@tanstack/react-query';
import { useSession } from '../../app/session';
import { companySitesQuery } from '../../queries/site';

/** Head office's lists by site (API contract Part 6): every site the company server holds, or all. */
export function SiteFilter({
  value,
  onChange,
}: {
  value: string | undefined;
  onChange: (siteId: string | undefined) => void;
}) {
  const { token } = useSession();
  const sites = useQuery(companySitesQuery(token));
  return (
    <label className="site-filter">
      <span className="visually-hidden">Site</span>
      <select value={value ?? ''} onChange={(event) => onChange(event.target.value || undefined)}>
        <option value="">All sites</option>
        {(sites.data ?? []).map((site) => (
          <option key={site.site_id} value={site.site_id}>
            {site.name}
          </option>
        ))}
      </select>
    </label>
  );
}
