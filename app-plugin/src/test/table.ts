import { within } from '@testing-library/react';

/**
 * The cells of the table row that shows `rowText`, keyed by their column header, so a test can say
 * "the CPU column of esx-01 reads 37.5 %" the way a person reads the table.
 */
export function rowCells(table: HTMLElement, rowText: string): Record<string, HTMLElement> {
  const headers = within(table)
    .getAllByRole('columnheader')
    .map((h) => h.textContent ?? '');
  const row = within(table).getByText(rowText).closest('tr');
  if (!row) {
    throw new Error(`no row shows ${rowText}`);
  }
  const cells = within(row).getAllByRole('cell');
  return Object.fromEntries(headers.map((h, i) => [h, cells[i]]));
}
