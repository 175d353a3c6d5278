import type { Page } from '@playwright/test';

export interface ThumbnailLoads {
  /** Paths of thumbnails the server answered (a 200 or a 304: either way it was asked). */
  fromServer: string[];
  /** Thumbnails Chromium's HTTP cache answered without asking the server. */
  fromCache: string[];
}

/**
 * Thumbnail loads as Chromium's own network stack reports them (DevTools protocol), so a
 * load the HTTP cache answered can be told from one that reached the server.
 */
export async function watchThumbnailLoads(page: Page): Promise<{ loads: ThumbnailLoads; reset: () => void }> {
  const session = await page.context().newCDPSession(page);
  await session.send('Network.enable');
  const loads: ThumbnailLoads = { fromServer: [], fromCache: [] };
  const thumbPaths = new Map<string, string>();
  const servedFromCache = new Set<string>();
  session.on('Network.requestWillBeSent', ({ requestId, request }) => {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith('/v1/photo/thumb/')) thumbPaths.set(requestId, pathname);
  });
  session.on('Network.requestServedFromCache', ({ requestId }) => {
    servedFromCache.add(requestId);
  });
  session.on('Network.responseReceived', ({ requestId, response }) => {
    const pathname = thumbPaths.get(requestId);
    if (!pathname) return;
    const cached = servedFromCache.has(requestId) || response.fromDiskCache || response.fromPrefetchCache;
    (cached ? loads.fromCache : loads.fromServer).push(pathname);
  });
  return {
    loads,
    reset: () => {
      loads.fromServer.length = 0;
      loads.fromCache.length = 0;
    },
  };
}

/** Resolves once every thumbnail the page shows has loaded and decoded. */
export async function thumbnailsDecoded(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const faces = [...document.querySelectorAll<HTMLImageElement>('img.thumb')];
    await Promise.all(faces.map((face) => face.decode()));
    return faces.length;
  });
}
