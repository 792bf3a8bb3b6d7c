import { ActionIcon, AppShell, Burger, Button, Group, NavLink, ScrollArea, Text, Tooltip, useComputedColorScheme, useMantineColorScheme } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, useNavigate, useRouterState } from '@tanstack/react-router';
import { api } from '../api/client';
import { meQuery, isAdmin } from './session';

interface Entry {
  to: string;
  label: string;
}

const EVERYONE: Entry[] = [
  { to: '/me/secrets', label: 'My secrets' },
  { to: '/me/acted-as-me', label: 'Who acted as me' },
  { to: '/webapps', label: 'Webapps' },
  { to: '/datasets', label: 'Datasets' },
];

const ADMINS: Entry[] = [
  { to: '/users', label: 'Users' },
  { to: '/groups', label: 'Groups' },
  { to: '/explain', label: 'Explain' },
  { to: '/audit', label: 'Audit' },
  { to: '/keys', label: 'Keys and settings' },
];

function ThemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');
  const label = scheme === 'dark' ? 'Use the light theme' : 'Use the dark theme';
  return (
    <Tooltip label={label}>
      <ActionIcon variant="default" size="lg" aria-label={label} onClick={() => setColorScheme(scheme === 'dark' ? 'light' : 'dark')}>
        <span aria-hidden="true">{scheme === 'dark' ? '☀' : '☾'}</span>
      </ActionIcon>
    </Tooltip>
  );
}

/** The signed-in frame: header (theme, who, sign out) and the navigation, folded into a menu on phones. */
export function Shell() {
  const [opened, { toggle, close }] = useDisclosure();
  const { data: me } = useQuery(meQuery);
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  const navigate = useNavigate();
  const queryClient = useQueryClient();

  const signOut = async () => {
    // Whatever the answer, this browser forgets the session; the server ends it when it can.
    await api.POST('/api/v1/auth/logout').catch(() => undefined);
    queryClient.clear();
    await navigate({ to: '/login', search: { reason: 'signed-out' } });
  };

  const entries = [...EVERYONE, ...(isAdmin(me) ? ADMINS : [])];
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={opened ? 'Close the menu' : 'Open the menu'} />
            <Text component={Link} to="/" fw={700} size="lg" c="inherit" td="none">
              Behalf
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" visibleFrom="xs" aria-label="Signed in as">
              {me?.login}
            </Text>
            <ThemeToggle />
            <Button variant="default" size="sm" onClick={() => void signOut()}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Console">
        <ScrollArea>
          {entries.map((entry) => (
            <NavLink
              key={entry.to}
              component={Link}
              to={entry.to}
              label={entry.label}
              active={pathname === entry.to || pathname.startsWith(`${entry.to}/`)}
              onClick={close}
            />
          ))}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
