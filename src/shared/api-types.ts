/** Shapes of the /v1 success bodies, shared by the server (which builds them) and the renderer. */

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'bmp';

export interface Visitor {
  /** Opaque, URL-safe, 128 random bits; never reused. */
  visitor_id: string;
  card_no: number;
  name: string;
  mobile: string;
  purpose: string;
  visitee_no: number | null;
  visitee_name: string | null;
  /** Local wall-clock time, `YYYY-MM-DD HH:MM:SS`. */
  entry_time: string;
  exit_time: string | null;
  /** Whether /v1/photo/<id> can answer with an image right now. */
  has_photo: boolean;
  /** Pixel size of the full photo as displayed (EXIF orientation applied). */
  photo_width: number | null;
  photo_height: number | null;
  /** Base64 ThumbHash of the photo: a blurred placeholder to paint before any image arrives. */
  thumbhash: string | null;
}

export interface Visitee {
  visitee_no: number;
  name: string;
}

export interface TokenResponse {
  success: true;
  data: { access_token: string; expiry: number };
}

export interface VisitorListResponse {
  success: true;
  data: Visitor[];
}

export interface VisitorLogResponse {
  success: true;
  data: Visitor[];
  /** Pass as `cursor` to get the next, older page; null on the last page. */
  next_cursor: string | null;
  /** With `on_site=1`: how many visitors are on the premises in all. */
  on_site_count?: number;
}

export interface VisiteeListResponse {
  success: true;
  data: Visitee[];
}

export interface AddVisitorResponse {
  success: true;
  visitor_id: string;
}

export interface SetupStatusResponse {
  success: true;
  data: { needs_first_user: boolean };
}

export const LOG_PAGE_DEFAULT = 50;
export const LOG_PAGE_MAX = 200;
