import { Button, Group, Text } from '@mantine/core';
import { useCallback, useState } from 'react';

/** Where a cursor-paginated list is: the cursors of the pages before, and the current one. */
export interface Paging {
  cursor: string | undefined;
  page: number;
  next: (cursor: string) => void;
  previous: () => void;
  reset: () => void;
}

/** Paging over the API's cursors (`limit`, `cursor` → `items`, `nextCursor`). */
export function usePaging(): Paging {
  const [stack, setStack] = useState<(string | undefined)[]>([undefined]);
  const next = useCallback((cursor: string) => setStack((s) => [...s, cursor]), []);
  const previous = useCallback(() => setStack((s) => (s.length > 1 ? s.slice(0, -1) : s)), []);
  const reset = useCallback(() => setStack([undefined]), []);
  return { cursor: stack[stack.length - 1], page: stack.length, next, previous, reset };
}

/** Previous and next page buttons for a list, shown once there is more than one page. */
export function Pager({ paging, nextCursor, label }: { paging: Paging; nextCursor: string | undefined; label: string }) {
  if (paging.page === 1 && !nextCursor) return null;
  return (
    <Group justify="space-between" mt="sm" component="nav" aria-label={`${label} pages`}>
      <Button variant="default" size="xs" onClick={paging.previous} disabled={paging.page === 1}>
        Previous page
      </Button>
      <Text size="sm" c="dimmed">
        Page {paging.page}
      </Text>
      <Button variant="default" size="xs" onClick={() => nextCursor && paging.next(nextCursor)} disabled={!nextCursor}>
        Next page
      </Button>
    </Group>
  );
}
