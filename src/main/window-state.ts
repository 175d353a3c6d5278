import type { Rectangle } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const stateSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(400),
  height: z.number().int().min(300),
  maximized: z.boolean(),
});

export type WindowState = z.infer<typeof stateSchema>;

/** A regular desk window opens where and as large as staff last left it. */
export function loadWindowState(userDataDir: string): WindowState | null {
  try {
    const parsed = stateSchema.safeParse(
      JSON.parse(fs.readFileSync(path.join(userDataDir, 'window-state.json'), 'utf8')),
    );
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function saveWindowState(userDataDir: string, bounds: Rectangle, maximized: boolean): void {
  const state: WindowState = { ...bounds, maximized };
  fs.writeFileSync(path.join(userDataDir, 'window-state.json'), JSON.stringify(state));
}
