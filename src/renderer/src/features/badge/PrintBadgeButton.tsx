import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { Visitor } from '../../../../shared/api-types';
import { useSession } from '../../app/session';
import { printBadge } from '../../lib/print-badge';
import { meQuery } from '../../queries/admin';
import { BadgePrint } from './BadgePrint';

/**
 * "Print badge" with the badge it prints mounted beside it, so the page is ready the
 * moment the print starts; `auto` prints once on mount (the desk's print-at-check-in).
 * A printer that is missing or fails is reported here, in words.
 */
export function PrintBadgeButton({ visitor, auto = false }: { visitor: Visitor; auto?: boolean }) {
  const { token } = useSession();
  const me = useQuery(meQuery(token));
  const [state, setState] = useState<{ busy: boolean; problem: string | null; done: boolean }>({
    busy: false,
    problem: null,
    done: false,
  });
  const size = me.data?.badge_size;
  const started = useRef(false);

  async function print(): Promise<void> {
    if (!size) return;
    setState({ busy: true, problem: null, done: false });
    try {
      await printBadge(visitor, size, token);
      setState({ busy: false, problem: null, done: true });
    } catch (error) {
      setState({ busy: false, problem: error instanceof Error ? error.message : String(error), done: false });
    }
  }

  useEffect(() => {
    if (auto && size && !started.current) {
      started.current = true;
      void print();
    }
    // Once, when the size is known: `print` is the action, not a reason to run again.
  }, [auto, size]);

  return (
    <>
      <button type="button" onClick={() => void print()} disabled={!size || state.busy}>
        {state.busy ? 'Printing…' : state.done ? 'Print again' : 'Print badge'}
      </button>
      {state.problem && (
        <span className="form-error" role="alert">
          {state.problem}
        </span>
      )}
      {size && <BadgePrint visitor={visitor} size={size} />}
    </>
  );
}
