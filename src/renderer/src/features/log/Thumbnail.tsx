import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { thumbHashToDataURL } from 'thumbhash';
import type { Visitor } from '../../../../shared/api-types';
import { useSession } from '../../app/session';
import { initials } from '../../lib/format';
import { thumbQuery } from '../../queries/photos';

/**
 * A visitor's face as the grid shows it: the ThumbHash blur from the list data at once,
 * the real thumbnail over it when it arrives, initials when there is no photo at all.
 * Never the full photo. `eager` for faces that must be there without being scrolled to
 * (a badge or a roll about to be printed).
 */
export function Thumbnail({
  visitor,
  className,
  eager = false,
}: {
  visitor: ThumbnailSubject;
  className?: string;
  eager?: boolean;
}) {
  const thumb = useThumbnailSource(visitor);
  const placeholder = usePlaceholder(visitor.thumbhash);

  if (!visitor.has_photo || thumb.failed) {
    return (
      <div className={`photo initials ${className ?? ''}`} role="img" aria-label={`No photo of ${visitor.name}`}>
        {initials(visitor.name)}
      </div>
    );
  }
  return (
    <div className={`photo ${className ?? ''}`}>
      {placeholder && <img className="placeholder" src={placeholder} alt="" aria-hidden="true" />}
      {thumb.src && (
        <img
          className="thumb"
          src={thumb.src}
          alt={`Photo of ${visitor.name}`}
          decoding="async"
          loading={eager ? 'eager' : 'lazy'}
          onError={thumb.onError}
        />
      )}
    </div>
  );
}

type ThumbnailSubject = Pick<Visitor, 'visitor_id' | 'name' | 'has_photo' | 'thumbhash' | 'thumb_url'>;

/**
 * Where the thumbnail comes from: the signed URL the server gave with the visitor, loaded
 * and cached by the browser itself; or, when there is none or it was refused (it expired
 * on a screen left open, the server restarted), fetched with the token as a blob.
 */
export function useThumbnailSource(visitor: ThumbnailSubject): {
  src: string | undefined;
  failed: boolean;
  onError: () => void;
} {
  const { token } = useSession();
  const [refusedUrl, setRefusedUrl] = useState<string>();
  const signed = visitor.thumb_url !== undefined && visitor.thumb_url !== refusedUrl ? visitor.thumb_url : undefined;
  const fetched = useQuery({ ...thumbQuery(token, visitor.visitor_id), enabled: visitor.has_photo && !signed });
  return {
    src: signed ?? fetched.data,
    failed: !signed && fetched.isError,
    onError: () => {
      if (signed) setRefusedUrl(signed);
    },
  };
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
