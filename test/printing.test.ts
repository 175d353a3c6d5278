import { describe, expect, it } from 'vitest';
import { badgePrintOptions, printFailure } from '../src/main/printing';

describe('badge printing options (Electron, silent)', () => {
  it('always gives the label as a portrait page in microns, with no margins and no printer default size', () => {
    expect(badgePrintOptions('62x100', 'Brother_QL-820NWB')).toEqual({
      silent: true,
      deviceName: 'Brother_QL-820NWB',
      printBackground: true,
      color: true,
      landscape: false,
      margins: { marginType: 'none' },
      pageSize: { width: 62_000, height: 100_000 },
      usePrinterDefaultPageSize: false,
      copies: 1,
    });
    expect(badgePrintOptions('54x101', 'DYMO_LabelWriter_450').pageSize).toEqual({ width: 54_000, height: 101_000 });
    expect(badgePrintOptions('a6', 'Office').pageSize).toEqual({ width: 105_000, height: 148_000 });
  });

  it('opens the print dialog (not silent) when the desk has chosen no printer', () => {
    const options = badgePrintOptions('62x100', undefined);
    expect(options.silent).toBe(false);
    expect(options).not.toHaveProperty('deviceName');
    expect(options.pageSize).toEqual({ width: 62_000, height: 100_000 });
  });

  it('says in words why a print failed', () => {
    expect(printFailure('cancelled')).toBe('Printing was cancelled.');
    expect(printFailure('Invalid deviceName provided')).toBe('The chosen printer is not available.');
    expect(printFailure('')).toMatch(/did not answer/);
  });
});
