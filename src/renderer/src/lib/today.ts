import { useEffect, useState } from 'react';
import { addDays, formatLocalDate } from '../../../shared/dates';

/** Today's local date, YYYY-MM-DD, moving on at midnight: a desk stays open across days. */
export function useToday(): string {
  const [today, setToday] = useState(() => formatLocalDate(new Date()));
  useEffect(() => {
    const now = new Date();
    const timer = setTimeout(
      () => setToday(formatLocalDate(new Date())),
      addDays(now, 1).getTime() - now.getTime() + 1000,
    );
    return () => clearTimeout(timer);
  }, [today]);
  return today;
}
