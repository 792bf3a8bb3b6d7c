import { Anchor, Badge, Button, Card, Group, Stack, TagsInput, Text, Title } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import { ApiProblem, unwrap } from '../api/problem';
import { when } from '../ui/format';
import { Pager, usePaging } from '../ui/pager';
import { fieldError, ProblemAlert } from '../ui/problem-alert';

/**
 * A webapp's secret-name request: its owner asks for names (only admins widen `secretNames`); an
 * admin approves them (they join `secretNames`) or declines; the owner may withdraw.
 */
export function SecretNameRequestPanel({
  webappId,
  approved,
  admin,
  onApproved,
}: {
  webappId: string;
  approved: string[] | null;
  admin: boolean;
  onApproved: () => void;
}) {
  const queryClient = useQueryClient();
  const [names, setNames] = useState<string[]>([]);
  const key = ['webapps', webappId, 'secret-name-request'];
  const request = useQuery({
    queryKey: key,
    // No pending request is an answer, not a failure.
    queryFn: () =>
      unwrap(api.GET('/api/v1/webapps/{id}/secret-name-request', { params: { path: { id: webappId } } })).catch((e: unknown) => {
        if (e instanceof ApiProblem && e.status === 404) return null;
        throw e;
      }),
  });
  const settle = async () => {
    await queryClient.invalidateQueries({ queryKey: key });
    await queryClient.invalidateQueries({ queryKey: ['secret-name-requests'] });
  };
  const ask = useMutation({
    mutationFn: () => unwrap(api.PUT('/api/v1/webapps/{id}/secret-name-request', { params: { path: { id: webappId } }, body: { names } })),
    onSuccess: async () => {
      setNames([]);
      await settle();
    },
  });
  const decline = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/webapps/{id}/secret-name-request', { params: { path: { id: webappId } } })),
    onSuccess: settle,
  });
  const approve = useMutation({
    mutationFn: (wanted: string[]) =>
      unwrap(
        api.PATCH('/api/v1/webapps/{id}/settings', {
          params: { path: { id: webappId } },
          body: { secretNames: [...new Set([...(approved ?? []), ...wanted])].sort() },
        }),
      ),
    onSuccess: async (settings) => {
      queryClient.setQueryData(['webapps', webappId, 'settings'], settings);
      onApproved();
      await settle();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    ask.mutate();
  };
  const pending = request.data;
  return (
    <Stack gap="sm">
      <ProblemAlert error={request.error ?? decline.error ?? approve.error} />
      {pending ? (
        <Stack gap={6} aria-label="Pending request" component="section">
          <Text size="sm">
            {pending.requestedBy.login} asked on {when(pending.requestedAt)} for:
          </Text>
          <Group gap={4}>
            {pending.names.map((n) => (
              <Badge key={n} variant="light" color="orange" tt="none">
                {n}
              </Badge>
            ))}
          </Group>
          <Group>
            {admin ? (
              <Button size="xs" onClick={() => approve.mutate(pending.names)} loading={approve.isPending}>
                Approve the names
              </Button>
            ) : null}
            <Button size="xs" variant="default" onClick={() => decline.mutate()} loading={decline.isPending}>
              {admin ? 'Decline' : 'Withdraw the request'}
            </Button>
          </Group>
        </Stack>
      ) : request.data === null ? (
        <Text size="sm" c="dimmed">
          No pending request.
        </Text>
      ) : null}
      {!admin ? (
        <form onSubmit={submit} aria-label="Ask for secret names">
          <Stack gap="sm">
            <ProblemAlert error={ask.error} />
            <TagsInput
              label="Secret names to ask for"
              description="An admin decides; the names the webapp may already receive are left out."
              value={names}
              onChange={setNames}
              error={fieldError(ask.error, 'names')}
            />
            <Group>
              <Button type="submit" disabled={names.length === 0} loading={ask.isPending}>
                Ask an admin
              </Button>
            </Group>
          </Stack>
        </form>
      ) : null}
    </Stack>
  );
}

/** Every webapp's pending request, for admins, oldest first: what they have to decide. */
export function PendingSecretNameRequests() {
  const paging = usePaging();
  const requests = useQuery({
    queryKey: ['secret-name-requests', paging.cursor],
    queryFn: () => unwrap(api.GET('/api/v1/secret-name-requests', { params: { query: { cursor: paging.cursor } } })),
  });
  if (requests.data?.items.length === 0 && paging.page === 1) return null;
  return (
    <Card withBorder>
      <Title order={2} size="h3" mb="sm">
        Pending secret-name requests
      </Title>
      <ProblemAlert error={requests.error} />
      <Stack gap="xs">
        {requests.data?.items.map((r) => (
          <Group key={r.webappId} justify="space-between" wrap="wrap" gap="xs">
            <Anchor component={Link} to={`/webapps/${r.webappId}`}>
              {r.webappName}
            </Anchor>
            <Group gap={4}>
              {r.names.map((n) => (
                <Badge key={n} variant="light" color="orange" tt="none">
                  {n}
                </Badge>
              ))}
            </Group>
            <Text size="sm" c="dimmed">
              {r.requestedBy.login}, {when(r.requestedAt)}
            </Text>
          </Group>
        ))}
      </Stack>
      <Pager paging={paging} nextCursor={requests.data?.nextCursor} label="Secret-name requests" />
    </Card>
  );
}
