import { chromium, type Browser, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium';
import { thumbnailsDecoded, watchThumbnailLoads } from '../e2e/network';
import { BENCH_STAFF, log, median, round, signIn, startServe } from './lib';

/** Every rendered card shows its thumbnail or its initials. */
const THUMBNAILS_SETTLED = (): boolean =>
  document.querySelectorAll('.card:not(:has(img.thumb)):not(:has(.initials))').length === 0;

export interface GridResult {
  visitors: number;
  viewport: string;
  visible_cards: number;
  rendered_cards: number;
  thumb_requests_first_screen: number;
  full_requests_first_screen: number;
  /**
   * From the arrival of the first page of "On site now" to the first row of decoded
   * thumbnails: the median of fresh page loads, each in a new browser context (empty cache).
   */
  ms_from_log_data_to_first_row_visible: number;
  first_row_samples_ms: number[];
  /** Whether every thumbnail shown was loaded by <img src> from its signed URL (no blob:). */
  thumbnails_native: boolean;
  /** The same screen loaded again (a reload): thumbnails of the first visit asked of the server again, and those the HTTP cache answered. */
  second_visit_thumb_requests_to_server: number;
  second_visit_thumbs_from_cache: number;
  history_dom_nodes_after_scroll_to_end: number;
  history_js_heap_mib_after_scroll_to_end: number;
  /** Cards the desk holds after scrolling to the end of History: at most ten pages. */
  history_cards_held: number;
}

/**
 * Resolves with performance.now() once every card of the grid's first row shows its
 * decoded thumbnail (or its initials). A string, because the TypeScript runner rewrites
 * named functions with a helper that does not exist in the page.
 */
const FIRST_ROW_DECODED = `new Promise((resolve) => {
  const check = () => {
    const cards = [...document.querySelectorAll('.card')];
    const top = Math.min(...cards.map((c) => c.getBoundingClientRect().top));
    const row = cards.filter((c) => c.getBoundingClientRect().top === top);
    const ready = row.length > 0 && row.every((card) => {
      const img = card.querySelector('img.thumb');
      return !card.querySelector('.photo:not(.initials)') || (img && img.complete && img.naturalWidth > 0);
    });
    if (ready) resolve(performance.now());
    else requestAnimationFrame(check);
  };
  check();
})`;

/**
 * The grid as a person sees it, in Debian's Chromium: what the first screen costs, how
 * soon faces appear once the list has arrived, and what the whole history costs once
 * scrolled to its end.
 */
export async function benchGrid(dataDir: string, visitors: number, quick: boolean): Promise<GridResult> {
  const server = await startServe(dataDir);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, '--enable-precise-memory-info', '--js-flags=--expose-gc'],
  });
  try {
    const token = await signIn(server.url, BENCH_STAFF.username, BENCH_STAFF.password);
    const samples: number[] = [];
    for (let i = 0; i < (quick ? 2 : 7); i++) {
      const fresh = await openDesk(browser, token);
      samples.push(await firstRowAfterLogData(fresh, server.url));
      await fresh.context().close();
    }

    const page = await openDesk(browser, token);
    const paths: string[] = [];
    page.on('request', (request) => paths.push(new URL(request.url()).pathname));
    const { loads, reset } = await watchThumbnailLoads(page);
    await firstRowAfterLogData(page, server.url);
    // Not "network idle": the desk keeps its live-updates stream open.
    await page.waitForFunction(THUMBNAILS_SETTLED);
    const visibleCards = await page.evaluate(
      () =>
        [...document.querySelectorAll('.card')].filter((c) => {
          const r = c.getBoundingClientRect();
          return r.bottom > 0 && r.top < window.innerHeight;
        }).length,
    );
    const renderedCards = await page.locator('.card').count();
    const thumbs = paths.filter((p) => p.startsWith('/v1/photo/thumb/')).length;
    const full = paths.filter((p) => p.startsWith('/v1/photo/') && !p.startsWith('/v1/photo/thumb/')).length;
    await thumbnailsDecoded(page);
    const native = await page
      .locator('img.thumb')
      .evaluateAll((faces) => faces.every((face) => /\/v1\/photo\/thumb\/.+\?k=/.test((face as HTMLImageElement).src)));

    // The second visit: the same screen loaded again. What counts is the faces the first
    // visit loaded (the virtualizer may render a card more or less this time).
    const seen = new Set(loads.fromServer);
    reset();
    await page.reload();
    await page.waitForFunction(THUMBNAILS_SETTLED);
    await thumbnailsDecoded(page);
    // DevTools events arrive a moment after the images they describe.
    for (let waited = 0; waited < 3000 && loads.fromCache.length === 0; waited += 50) await page.waitForTimeout(50);
    const secondVisit = {
      toServer: loads.fromServer.filter((path) => seen.has(path)).length,
      fromCache: loads.fromCache.length,
    };

    // History scrolled to the very end: until the server answers a page with no next one.
    // The desk holds at most ten pages, letting go of the top ones as it goes.
    let reachedEnd = false;
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (url.pathname !== '/v1/log/' || url.searchParams.has('on_site') || url.searchParams.has('q')) return;
      void response
        .json()
        .then((body: { next_cursor: string | null }) => (reachedEnd ||= body.next_cursor === null))
        .catch(() => undefined);
    });
    await page.getByRole('button', { name: 'History' }).click();
    await page.locator('.card').first().waitFor();
    for (let guard = 0; guard < 5000 && !reachedEnd; guard++) {
      await page.locator('.grid-scroll').evaluate((el) => el.scrollTo(0, el.scrollHeight));
      await page.waitForTimeout(20);
    }
    await page.locator('.grid-scroll').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    const loaded = Number((await page.getByRole('list').getAttribute('aria-label'))?.split(' ')[0] ?? 0);
    await page.waitForFunction(THUMBNAILS_SETTLED);
    const after = await page.evaluate(() => {
      (window as unknown as { gc?: () => void }).gc?.();
      const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
      return { nodes: document.getElementsByTagName('*').length, heap: memory?.usedJSHeapSize ?? 0 };
    });
    const result: GridResult = {
      visitors,
      viewport: '1280x800',
      visible_cards: visibleCards,
      rendered_cards: renderedCards,
      thumb_requests_first_screen: thumbs,
      full_requests_first_screen: full,
      ms_from_log_data_to_first_row_visible: round(median(samples), 1),
      first_row_samples_ms: samples.map((sample) => round(sample, 1)),
      thumbnails_native: native,
      second_visit_thumb_requests_to_server: secondVisit.toServer,
      second_visit_thumbs_from_cache: secondVisit.fromCache,
      history_dom_nodes_after_scroll_to_end: after.nodes,
      history_js_heap_mib_after_scroll_to_end: round(after.heap / 1024 / 1024, 1),
      history_cards_held: loaded,
    };
    log(`grid: ${JSON.stringify(result)}`);
    return result;
  } finally {
    await browser.close();
    await server.stop();
  }
}

/** A desk page in a browser context of its own (its own, empty HTTP cache), signed in. */
async function openDesk(browser: Browser, token: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.addInitScript(
    (session) => localStorage.setItem('frontdesk.session', session),
    JSON.stringify({ token, expiry: 2e9, username: BENCH_STAFF.username }),
  );
  return page;
}

/** Loads the desk and gives the milliseconds from the log data's arrival to the first row of decoded thumbnails. */
async function firstRowAfterLogData(page: Page, url: string): Promise<number> {
  await page.goto(url);
  const firstRowAt = await page.evaluate<number>(FIRST_ROW_DECODED);
  const logDataAt = await page.evaluate(() => {
    const entry = performance.getEntriesByType('resource').find((e) => new URL(e.name).pathname === '/v1/log/');
    return (entry as PerformanceResourceTiming | undefined)?.responseEnd ?? 0;
  });
  return firstRowAt - logDataAt;
}
