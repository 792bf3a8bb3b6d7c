import { Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { Page } from './page';
import { ProblemAlert } from './problem-alert';

/**
 * A screen of one resource: its data once loaded, or what to show meanwhile (its problem, in a
 * page titled `title`, or that it is loading).
 */
export function whenLoaded<T>(query: { data?: T; error: unknown }, title: string): { data: T } | { view: ReactNode } {
  if (query.error)
    return {
      view: (
        <Page title={title}>
          <ProblemAlert error={query.error} />
        </Page>
      ),
    };
  if (query.data === undefined) return { view: <Text>Loading…</Text> };
  return { data: query.data };
}

/** "Saved.", announced, once `saved` holds. */
export function Saved({ saved, children = 'Saved.' }: { saved: boolean; children?: ReactNode }) {
  return saved ? (
    <Text size="sm" role="status">
      {children}
    </Text>
  ) : null;
}
