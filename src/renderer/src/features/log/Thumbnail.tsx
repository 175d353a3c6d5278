import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { thumbHashToDataURL } from 'thumbhash';
import type { Visitor } from '../../../../shared/api-types';
import { useSession } from '../../app/session';
import { initials } from '../../lib/format';
import { thumbQuery } from '../../queries/photos';

/**
 * A visitor's face as the grid shows it: the ThumbHash blur from the list data at once,
 * the real thumbnail over it when it arrives, initials when there is no photo at all.
 * Never the full photo.
 */
export function Thumbnail({
  visitor,
  className,
}: {
  visitor: Pick<Visitor, 'visitor_id' | 'name' | 'has_photo' | 'thumbhash'>;
  className?: string;
}) {
  const { token } = useSession();
  const thumb = useQuery({ ...thumbQuery(token, visitor.visitor_id), enabled: visitor.has_photo });
  const placeholder = usePlaceholder(visitor.thumbhash);

  if (!visitor.has_photo || thumb.isError) {
    return (
      <div className={`photo initials ${className ?? ''}`} role="img" aria-label={`No photo of ${visitor.name}`}>
        {initials(visitor.name)}
      </div>
    );
  }
  return (
    <div className={`photo ${className ?? ''}`}>
      {placeholder && <img className="placeholder" src={placeholder} alt="" aria-hidden="true" />}
      {thumb.data && <img className="thumb" src={thumb.data} alt={`Photo of ${visitor.name}`} decoding="async" />}
    </div>
  );
}

export function usePlaceholder(thumbhash: string | null): string | null {
  return useMemo(() => {
    if (!thumbhash) return null;
    try {
      const bytes = Uint8Array.from(atob(thumbhash), (c) => c.charCodeAt(0));
      return thumbHashToDataURL(bytes);
    } catch {
      return null;
    }
  }, [thumbhash]);
}
