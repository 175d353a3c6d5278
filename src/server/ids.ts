import { randomBytes } from 'node:crypto';

/** 128 random bits as 22 base64url characters: unguessable, URL-safe, never reused. */
export function newVisitorId(): string {
  return randomBytes(16).toString('base64url');
}

const VISITOR_ID = /^[A-Za-z0-9_-]{22}$/;

/** Anything else (dots, slashes, NUL, other lengths) cannot name a visitor or a file. */
export function isVisitorId(value: string): boolean {
  return VISITOR_ID.test(value);
}
