import { useState } from 'react';

/** How the log shows visitors; chosen per desk (a busy lobby wants more faces at once). */
export type Density = 'comfortable' | 'compact' | 'list';

const DENSITIES: { value: Density; label: string }[] = [
  { value: 'comfortable', label: 'Large cards' },
  { value: 'compact', label: 'Small cards' },
  { value: 'list', label: 'List' },
];

const STORAGE_KEY = 'frontdesk.density';

function isDensity(value: unknown): value is Density {
  return DENSITIES.some((density) => density.value === value);
}

/** The desk's choice, kept in this window's storage: a setting of the kiosk, not of the account. */
export function useDensity(): [Density, (density: Density) => void] {
  const [density, setDensity] = useState<Density>(() => {
    const stored = localStorage.getItem(STORAGE_KEY);
    return isDensity(stored) ? stored : 'comfortable';
  });
  return [
    density,
    (next) => {
      localStorage.setItem(STORAGE_KEY, next);
      setDensity(next);
    },
  ];
}

export function DensityPicker({ value, onChange }: { value: Density; onChange: (density: Density) => void }) {
  return (
    <div className="density" role="radiogroup" aria-label="Show visitors as">
      {DENSITIES.map((density) => (
        <button
          key={density.value}
          type="button"
          role="radio"
          aria-checked={value === density.value}
          title={density.label}
          aria-label={density.label}
          onClick={() => onChange(density.value)}
        >
          <span className={`density-icon ${density.value}`} aria-hidden="true" />
        </button>
      ))}
    </div>
  );
}
