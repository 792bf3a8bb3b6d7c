import { Group, Stack, Title } from '@mantine/core';
import { useRouterState } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useEffect, useRef } from 'react';

/**
 * A screen: its heading (also the document's title) with optional actions, then its content.
 * Arriving at a screen (a link, a sign-in, a new address) moves the focus to its heading, so a
 * keyboard or screen-reader user starts on the new screen, not on the link they left. The heading
 * draws no focus ring: it is not a control, and the next Tab goes on from it all the same.
 */
export function Page({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  useEffect(() => {
    document.title = `${title} · Behalf`;
  }, [title]);
  useEffect(() => {
    heading.current?.focus({ preventScroll: true });
  }, [pathname]);
  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Title order={1} size="h2" ref={heading} tabIndex={-1} style={{ outline: 'none' }}>
          {title}
        </Title>
        {actions}
      </Group>
      {children}
    </Stack>
  );
}
