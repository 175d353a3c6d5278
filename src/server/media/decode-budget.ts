/**
 * Decodes run while the memory they hold together fits a budget, at most `atOnce` of them,
 * first come first served: a costly decode waits for room rather than being overtaken by
 * every cheap one after it (it would wait for ever on a busy desk). One whose cost alone
 * is over the budget runs when nothing else does.
 */
export function decodeBudget(limitBytes: number, atOnce: number) {
  let used = 0;
  let running = 0;
  const waiting: { cost: number; start: () => void }[] = [];
  const fits = (cost: number): boolean => running === 0 || (running < atOnce && used + cost <= limitBytes);
  const startWhatFits = (): void => {
    while (waiting.length > 0 && fits(waiting[0]!.cost)) {
      const next = waiting.shift()!;
      used += next.cost;
      running++;
      next.start();
    }
  };
  return {
    async run<T>(cost: number, work: () => Promise<T>): Promise<T> {
      await new Promise<void>((start) => {
        waiting.push({ cost, start });
        startWhatFits();
      });
      try {
        return await work();
      } finally {
        used -= cost;
        running--;
        startWhatFits();
      }
    },
  };
}
