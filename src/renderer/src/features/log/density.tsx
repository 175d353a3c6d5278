import { useEffect, useState } from 'react';
import type { DENSITIES } from '../../../../shared/ipc-schemas';
import { loadDeskPrefs, saveDeskPrefs } from '../../lib/desk-prefs';

/** How the log shows visitors; chosen per desk (a busy lobby wants more faces at once). */
export type Density = (typeof DENSITIES)[number];

const DENSITY_CHOICES: { value: Density; label: string }[] = [
  { value: 'comfortable', label: 'Large cards' },
  { value: 'compact', label: 'Small cards' },
  { value: 'list', label: 'List' },
];

/** The desk's choice, kept with the desk's preferences: a setting of the kiosk, not of the account. */
export function useDensity(): [Density, (density: Density) => void] {
  const [density, setDensity] = useState<Density>('comfortable');
  useEffect(() => {
    void loadDeskPrefs().then((prefs) => {
      if (prefs.density) setDensity(prefs.density);
    });
  }, []);
  return [
    density,
    (next) => {
      setDensity(next);
      void saveDeskPrefs({ density: next });
    },
  ];
}

export function DensityPicker({ value, onChange }: { value: Density; onChange: (density: Density) => void }) {
  return (
    <div className="density" role="radiogroup" aria-label="Show visitors as">
      {DENSITY_CHOICES.map((density) => (
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
