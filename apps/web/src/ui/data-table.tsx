import { Table, Text } from '@mantine/core';
import { useMergedRef, useResizeObserver } from '@mantine/hooks';
import { type ReactNode, useLayoutEffect, useRef, useState } from 'react';
import classes from './data-table.module.css';

export interface DataTableProps<Row> {
  /** The table's accessible name. */
  label: string;
  /** The column headings, in order; each row's cells follow them. */
  columns: readonly string[];
  /** Undefined while loading: nothing is shown. */
  rows: readonly Row[] | undefined;
  /** Said instead of the table when there are no rows. */
  empty: string;
  rowKey: (row: Row) => string;
  /** One cell per column. */
  cells: (row: Row) => readonly ReactNode[];
  /** How wide the table must be before it scrolls sideways, on screens wider than a phone. */
  minWidth: number;
  striped?: boolean;
  highlightOnHover?: boolean;
}

/**
 * A list as a table, or what to say when it is empty. On a phone each row is shown as a block, every cell under its column's
 * name, instead of a table scrolling sideways. The roles are given outright because a table
 * laid out as blocks loses them in some browsers. Where the screen is too narrow for its columns
 * the table scrolls sideways, and only then is its box a named region in the keyboard's tab
 * order, so that people without a pointer can scroll it and nobody tabs through boxes that do
 * not scroll.
 */
export function DataTable<Row>({ label, columns, rows, empty, rowKey, cells, minWidth, striped, highlightOnHover }: DataTableProps<Row>) {
  const box = useRef<HTMLDivElement>(null);
  const [observed, size] = useResizeObserver<HTMLDivElement>();
  const ref = useMergedRef(box, observed);
  const [scrolls, setScrolls] = useState(false);
  useLayoutEffect(() => {
    const element = box.current;
    if (element) setScrolls(element.scrollWidth > element.clientWidth + 1);
  }, [size.width, rows]);
  if (!rows) return null;
  if (rows.length === 0) return <Text c="dimmed">{empty}</Text>;
  return (
    <Table.ScrollContainer
      ref={ref}
      minWidth={minWidth}
      type="native"
      classNames={{ scrollContainerInner: classes.inner }}
      {...(scrolls ? { tabIndex: 0, role: 'region', 'aria-label': `${label}, scrolling sideways` } : {})}
    >
      <Table striped={striped} highlightOnHover={highlightOnHover} aria-label={label} role="table" className={classes.table}>
        <Table.Thead role="rowgroup">
          <Table.Tr role="row">
            {columns.map((column) => (
              <Table.Th key={column} role="columnheader">
                {column}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody role="rowgroup">
          {rows.map((row) => (
            <Table.Tr key={rowKey(row)} role="row">
              {cells(row).map((cell, i) => (
                <Table.Td key={columns[i]} role="cell" data-label={columns[i]}>
                  {cell}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
