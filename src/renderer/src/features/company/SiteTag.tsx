import { useQuery } from '@tanstack/react-query';
import { useSession } from '../../app/session';
import { companySitesQuery } from '../../queries/site';

/** Which site a visitor is at, on head office's lists of every site (API contract Part 6). */
export function SiteTag({ siteId }: { siteId: string }) {
  const { token } = useSession();
  const name = useQuery({
    ...companySitesQuery(token),
    select: (sites) => sites?.find((site) => site.site_id === siteId)?.name,
  }).data;
  return <span className="site-tag">{name ?? 'another site'}</span>;
}
