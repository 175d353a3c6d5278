import { addDays, formatLocalDate, parseLocalDate } from '../../../../shared/dates';
import type { DateRange } from '../../queries/visitors';

export const DATE_PRESETS = ['all', 'today', 'yesterday', 'week', 'custom'] as const;
export type DatePreset = (typeof DATE_PRESETS)[number];

const LABELS: Record<DatePreset, string> = {
  all: 'All dates',
  today: 'Today',
  yesterday: 'Yesterday',
  week: 'This week',
  custom: 'Custom…',
};

export interface DateFilterValue {
  preset: DatePreset;
  /** The custom range as typed; only used when preset is `custom`. */
  from: string;
  to: string;
}

/** The days a filter covers, on the day given as today. The week starts on Monday. */
export function rangeOf(filter: DateFilterValue, today: string): DateRange {
  const day = parseLocalDate(today)!;
  switch (filter.preset) {
    case 'all':
      return {};
    case 'today':
      return { from: today, to: today };
    case 'yesterday': {
      const yesterday = formatLocalDate(addDays(day, -1));
      return { from: yesterday, to: yesterday };
    }
    case 'week':
      return { from: formatLocalDate(addDays(day, -((day.getDay() + 6) % 7))), to: today };
    case 'custom':
      return { from: filter.from || undefined, to: filter.to || undefined };
  }
}

/** Today, yesterday, this week or a custom range, beside the search. */
export function DateFilter({ value, onChange }: { value: DateFilterValue; onChange: (next: DateFilterValue) => void }) {
  const backwards = value.preset === 'custom' && value.from && value.to && value.from > value.to;
  return (
    <div className="date-filter">
      <select
        aria-label="Entry dates"
        value={value.preset}
        onChange={(event) => onChange({ ...value, preset: event.target.value as DatePreset })}
      >
        {DATE_PRESETS.map((preset) => (
          <option key={preset} value={preset}>
            {LABELS[preset]}
          </option>
        ))}
      </select>
      {value.preset === 'custom' && (
        <>
          <label>
            From
            <input
              type="date"
              value={value.from}
              max={value.to || undefined}
              onChange={(event) => onChange({ ...value, from: event.target.value })}
            />
          </label>
          <label>
            to
            <input
              type="date"
              value={value.to}
              min={value.from || undefined}
              onChange={(event) => onChange({ ...value, to: event.target.value })}
              aria-invalid={backwards ? true : undefined}
            />
          </label>
        </>
      )}
    </div>
  );
}
