import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The architecture's import rules, checked the way `npm run lint` checks them: the
 * project's own ESLint configuration over a line of code placed in each layer.
 */
const ROOT = path.resolve(__dirname, '..');

async function restrictedImports(file: string, code: string): Promise<string[]> {
  // Existing files, so that the type-aware configuration finds them in a tsconfig project.
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('lint-enforced boundaries', () => {
  it('refuses a renderer file that imports from the server, main or preload', async () => {
    for (const source of ['../../../server/ids', '../../../main/runtime', '../../../preload/index']) {
      const messages = await restrictedImports('src/renderer/src/lib/format.ts', `import '${source}';\n`);
      expect([source, messages.length]).toEqual([source, 1]);
    }
  }, 60_000);

  it('refuses Node built-ins and Electron in shared code', async () => {
    expect(await restrictedImports('src/shared/errors.ts', "import 'node:fs';\n")).toHaveLength(1);
    expect(await restrictedImports('src/shared/errors.ts', "import 'electron';\n")).toHaveLength(1);
  }, 60_000);

  it('refuses the server importing Electron or main', async () => {
    expect(await restrictedImports('src/server/ids.ts', "import 'electron';\n")).toHaveLength(1);
    expect(await restrictedImports('src/server/ids.ts', "import '../main/runtime';\n")).toHaveLength(1);
  }, 60_000);

  it('lets the renderer import what is shared', async () => {
    expect(await restrictedImports('src/renderer/src/lib/format.ts', "import '../../../shared/errors';\n")).toEqual([]);
  }, 60_000);
});
