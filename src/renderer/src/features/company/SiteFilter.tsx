import { useQuery } from '@tanstack/react-query';
import { useSession } from '../../app/session';
import { ListFilter } from '../../lib/ListFilter';
import { companySitesQuery } from '../../queries/site';

/** Head office's lists by site (API contract Part 6): every site the company server holds, or all. */
export function SiteFilter(props: { value: string | undefined; onChange: (siteId: string | undefined) => void }) {
  const { token } = useSession();
  const sites = useQuery(companySitesQuery(token));
  return (
    <ListFilter
      label="Site"
      all="All sites"
      choices={(sites.data ?? []).map((site) => ({ key: site.site_id, name: site.name }))}
      value={props.value}
      onChange={props.onChange}
    />
  );
}
