import React, { Fragment, ReactNode } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Icon, useStyles2 } from '@grafana/ui';

/** One column of a DataTable. */
export interface Column<T> {
  /** Stable id (also the sort key sent to the backend when `sortable`). */
  id: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** The header is a button that sorts by this column (on the server: the page passes `onSort`). */
  sortable?: boolean;
  /** Right-aligned numbers. */
  numeric?: boolean;
  /** Header cell of a row (the first column of a key/value table). */
  rowHeader?: boolean;
}

/** Sort state of a table whose data is sorted elsewhere (the resource API sorts across all pages). */
export interface SortState {
  by: string;
  order: 'asc' | 'desc';
}

/**
 * The app's one table. @grafana/ui's `Table` draws a data frame on a virtualised canvas-like grid
 * without links, buttons or badges in cells, and `InteractiveTable` has neither accessible names
 * nor row ids, so the pages share this small semantic table with Grafana's look: named by
 * `aria-label`, sortable headers as buttons with `aria-sort`, cells rendered by the columns, and an
 * optional detail row under each row.
 */
export function DataTable<T>({
  label,
  columns,
  rows,
  rowKey,
  rowTestId,
  testId,
  sort,
  onSort,
  sortTestId,
  detail,
  hideHeader = false,
}: {
  label: string;
  columns: Array<Column<T>>;
  rows: T[];
  rowKey: (row: T) => string;
  rowTestId?: (row: T) => string | undefined;
  testId?: string;
  sort?: SortState;
  onSort?: (column: string) => void;
  sortTestId?: (column: string) => string;
  /** Content of an extra full-width row under a row (e.g. expanded details); undefined = none. */
  detail?: (row: T) => ReactNode | undefined;
  hideHeader?: boolean;
}) {
  const styles = useStyles2(getStyles);
  return (
    <table className={styles.table} aria-label={label} data-testid={testId}>
      {!hideHeader && (
        <thead>
          <tr>
            {columns.map((c) => {
              const active = sort?.by === c.id;
              return (
                <th
                  key={c.id}
                  className={c.numeric ? styles.numeric : undefined}
                  aria-sort={
                    c.sortable ? (active ? (sort!.order === 'asc' ? 'ascending' : 'descending') : 'none') : undefined
                  }
                >
                  {c.sortable && onSort ? (
                    <button
                      type="button"
                      className={styles.sortButton}
                      data-testid={sortTestId?.(c.id)}
                      onClick={() => onSort(c.id)}
                    >
                      {c.header}
                      {active && <Icon name={sort!.order === 'asc' ? 'arrow-up' : 'arrow-down'} size="sm" />}
                    </button>
                  ) : (
                    c.header
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
      )}
      <tbody>
        {rows.map((row) => {
          const key = rowKey(row);
          const extra = detail?.(row);
          return (
            <Fragment key={key}>
              <tr data-testid={rowTestId?.(row)}>
                {columns.map((c) =>
                  c.rowHeader ? (
                    <th key={c.id} scope="row">
                      {c.cell(row)}
                    </th>
                  ) : (
                    <td key={c.id} className={c.numeric ? styles.numeric : undefined}>
                      {c.cell(row)}
                    </td>
                  )
                )}
              </tr>
              {extra !== undefined && extra !== null && (
                <tr className={styles.detail}>
                  <td colSpan={columns.length}>{extra}</td>
                </tr>
              )}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': {
      padding: theme.spacing(0.75, 1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      textAlign: 'left',
      verticalAlign: 'middle',
    },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium },
    'tbody tr:hover': { background: theme.colors.action.hover },
  }),
  numeric: css({ textAlign: 'right', fontVariantNumeric: 'tabular-nums' }),
  detail: css({ background: theme.colors.background.secondary }),
  sortButton: css({
    background: 'none',
    border: 'none',
    padding: 0,
    color: 'inherit',
    font: 'inherit',
    cursor: 'pointer',
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    '&:focus-visible': { outline: `2px solid ${theme.colors.primary.main}` },
  }),
});
