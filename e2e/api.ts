import { expect, type Page } from '@playwright/test';
import type { Visitor, VisitorLogResponse } from '../src/shared/api-types';
import { makeImage } from '../test/helpers/images';
import type { DeskServer } from './fixtures';

/** The signed-in page's token, to ask the API what the page should be showing. */
export async function pageToken(page: Page): Promise<string> {
  const token = await page.evaluate(() => {
    const stored = localStorage.getItem('frontdesk.session');
    return stored ? (JSON.parse(stored) as { token: string }).token : null;
  });
  if (!token) throw new Error('the page is not signed in');
  return token;
}

export async function apiGet<T>(desk: DeskServer, token: string, path: string): Promise<T> {
  const response = await fetch(desk.url + path, { headers: { authorization: `Token ${token}` } });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Walks the whole visitor log. */
export async function allVisitors(desk: DeskServer, token: string): Promise<Visitor[]> {
  const all: Visitor[] = [];
  let cursor = '';
  do {
    const page = await apiGet<VisitorLogResponse>(
      desk,
      token,
      `/v1/log/?limit=200${cursor ? `&cursor=${cursor}` : ''}`,
    );
    all.push(...page.data);
    cursor = page.next_cursor ?? '';
  } while (cursor);
  return all;
}

/** Another desk, as far as this page knows: the API called straight from the test. */
export async function checkInElsewhere(desk: DeskServer, token: string, name: string, card: number): Promise<string> {
  const form = new FormData();
  form.set('cardno', String(card));
  form.set('name', name);
  form.set('mobile', '5550100');
  form.set('purpose', 'Delivery');
  form.set('image', new Blob([new Uint8Array(await makeImage('jpeg', 240, 320, card))]), 'p.jpg');
  const response = await fetch(`${desk.url}/v1/add/`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Token ${token}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { visitor_id: string }).visitor_id;
}
