/**
 * Waits until `check` gives something other than undefined or false, and returns it. No
 * deadline of its own: the test's timeout is the limit, so a busy machine only makes it slower.
 */
export async function until<T>(check: () => Promise<T | undefined | false> | T | undefined | false): Promise<T> {
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
