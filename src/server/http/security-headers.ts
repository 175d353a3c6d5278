import type { FastifyInstance } from 'fastify';

/**
 * The renderer runs in a window that shows people's faces: no script but our own, no
 * framing, no referrer leaking visitor IDs. Thumbnails come from 'self' by signed URL;
 * `blob:` images are the photos the renderer fetched with its token (the full photo, a
 * thumbnail whose URL was refused, an invitation's QR code); `mediastream:` is the webcam preview.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  // WebAssembly may be compiled (the QR code reader, features/checkin/qr-reader.ts); JavaScript still may not be evaluated.
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-resource-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html')) reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    // Visitor data must not linger in shared caches or on disk via the browser cache. Every
    // answer that did not choose its own caching (photos, the renderer's files) is no-store:
    // deciding by the URL's text would let another spelling of a path escape it.
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}
