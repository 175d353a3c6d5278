import { z } from 'zod';

/** What main checks every IPC argument with, and the renderer its stored session. */
export const storedSessionSchema = z.object({
  token: z.string().min(20).max(200),
  /** UNIX seconds, as /v1/oauth/ answers. */
  expiry: z.number().int().positive(),
  username: z.string().min(1).max(64),
});
export type StoredSession = z.infer<typeof storedSessionSchema>;

export const quitCredentialsSchema = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
});
export type QuitCredentials = z.infer<typeof quitCredentialsSchema>;
