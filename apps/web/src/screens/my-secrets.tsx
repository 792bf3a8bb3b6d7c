import { Badge, Button, Card, Group, MultiSelect, PasswordInput, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { when } from '../ui/format';
import { DataTable } from '../ui/data-table';
import { Page } from '../ui/page';
import { Pager, usePaging } from '../ui/pager';
import { fieldError, ProblemAlert } from '../ui/problem-alert';

const NAME_RULE = '1 to 128 of A–Z a–z 0–9 _ . -';

/** Store or replace one secret: its value is sent once and never shown again. */
function SecretForm({ name: fixedName, onDone }: { name?: string; onDone?: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(fixedName ?? '');
  const [value, setValue] = useState('');
  const save = useMutation({
    mutationFn: () => unwrap(api.PUT('/api/v1/users/me/secrets/{name}', { params: { path: { name } }, body: { value } })),
    onSuccess: async () => {
      setValue('');
      if (!fixedName) setName('');
      await queryClient.invalidateQueries({ queryKey: ['me', 'secrets'] });
      onDone?.();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <form onSubmit={submit} aria-label={fixedName ? `Replace ${fixedName}` : 'Store a secret'}>
      <Stack gap="sm">
        <ProblemAlert error={save.error} />
        {fixedName ? null : (
          <TextInput
            label="Name"
            description={NAME_RULE}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            required
            error={fieldError(save.error, 'name')}
          />
        )}
        <PasswordInput
          label={fixedName ? `New value of ${fixedName}` : 'Value'}
          description="Write-only: Behalf never shows it again."
          value={value}
          onChange={(e) => setValue(e.currentTarget.value)}
          required
          autoComplete="off"
          error={fieldError(save.error, 'value')}
          visibilityToggleButtonProps={{ 'aria-label': 'Show the value' }}
        />
        <Group>
          <Button type="submit" loading={save.isPending} disabled={!name || !value}>
            {fixedName ? 'Replace' : 'Store secret'}
          </Button>
          {fixedName ? (
            <Button variant="default" onClick={onDone}>
              Cancel
            </Button>
          ) : null}
        </Group>
        {save.isSuccess && !fixedName ? (
          <Text size="sm" role="status">
            Stored.
          </Text>
        ) : null}
      </Stack>
    </form>
  );
}

function Secrets() {
  const paging = usePaging();
  const queryClient = useQueryClient();
  const [replacing, setReplacing] = useState<string | null>(null);
  const secrets = useQuery({
    queryKey: ['me', 'secrets', paging.cursor],
    queryFn: () => unwrap(api.GET('/api/v1/users/me/secrets', { params: { query: { cursor: paging.cursor } } })),
  });
  const remove = useMutation({
    mutationFn: (name: string) => unwrap(api.DELETE('/api/v1/users/me/secrets/{name}', { params: { path: { name } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['me', 'secrets'] }),
  });
  return (
    <Card withBorder>
      <Stack>
        <Title order={2} size="h3">
          Secrets
        </Title>
        <ProblemAlert error={secrets.error ?? remove.error} />
        <DataTable
          label="Secrets"
          minWidth={420}
          columns={['Name', 'Updated', 'Actions']}
          rows={secrets.data?.items}
          rowKey={(secret) => secret.name}
          cells={(secret) => [
            <Text ff="monospace">{secret.name}</Text>,
            when(secret.updatedAt),
            <Group gap="xs" wrap="nowrap">
              <Button size="xs" variant="default" onClick={() => setReplacing(secret.name)} aria-label={`Replace ${secret.name}`}>
                Replace
              </Button>
              <Button size="xs" color="red" variant="light" onClick={() => remove.mutate(secret.name)} aria-label={`Delete ${secret.name}`}>
                Delete
              </Button>
            </Group>,
          ]}
          empty="No secrets yet."
        />
        <Pager paging={paging} nextCursor={secrets.data?.nextCursor} label="Secrets" />
        {replacing ? <SecretForm key={replacing} name={replacing} onDone={() => setReplacing(null)} /> : null}
        <Title order={3} size="h4">
          Store a secret
        </Title>
        <SecretForm />
      </Stack>
    </Card>
  );
}

function Consents() {
  const paging = usePaging();
  const queryClient = useQueryClient();
  const consents = useQuery({
    queryKey: ['me', 'consents', paging.cursor],
    queryFn: () => unwrap(api.GET('/api/v1/users/me/secret-consents', { params: { query: { cursor: paging.cursor } } })),
  });
  const webapps = useQuery({
    queryKey: ['webapps', 'options'],
    queryFn: () => unwrap(api.GET('/api/v1/webapps', { params: { query: { limit: 200 } } })),
  });
  const names = useQuery({
    queryKey: ['me', 'secrets', 'names'],
    queryFn: () => unwrap(api.GET('/api/v1/users/me/secrets', { params: { query: { limit: 200 } } })),
  });
  const [webappId, setWebappId] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: ['me', 'consents'] });
  const give = useMutation({
    mutationFn: () =>
      unwrap(api.PUT('/api/v1/users/me/secret-consents/{webappId}', { params: { path: { webappId: webappId ?? '' } }, body: { names: chosen } })),
    onSuccess: async () => {
      setChosen([]);
      setWebappId(null);
      await invalidate();
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/users/me/secret-consents/{webappId}', { params: { path: { webappId: id } } })),
    onSuccess: invalidate,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    give.mutate();
  };
  return (
    <Card withBorder>
      <Stack>
        <Title order={2} size="h3">
          My consents
        </Title>
        <Text size="sm" c="dimmed">
          A webapp receives a secret of yours only if its admins approved that name and you consent here. Revoking takes effect at once.
        </Text>
        <ProblemAlert error={consents.error ?? revoke.error} />
        {consents.data?.items.length === 0 ? <Text c="dimmed">No consents given.</Text> : null}
        {consents.data?.items.map((consent) => (
          <Group key={consent.webappId} justify="space-between" wrap="wrap" gap="xs">
            <Stack gap={4}>
              <Text fw={600}>{consent.webappName}</Text>
              <Group gap={4}>
                {consent.names.length === 0 ? (
                  <Text size="sm">no secrets</Text>
                ) : (
                  consent.names.map((n) => (
                    <Badge key={n} variant="light" tt="none">
                      {n}
                    </Badge>
                  ))
                )}
              </Group>
              <Text size="xs" c="dimmed">
                since {when(consent.updatedAt)}
              </Text>
            </Stack>
            <Button
              size="xs"
              color="red"
              variant="light"
              onClick={() => revoke.mutate(consent.webappId)}
              aria-label={`Revoke consent for ${consent.webappName}`}
            >
              Revoke
            </Button>
          </Group>
        ))}
        <Pager paging={paging} nextCursor={consents.data?.nextCursor} label="Consents" />
        <form onSubmit={submit} aria-label="Consent for a webapp">
          <Stack gap="sm">
            <Title order={3} size="h4">
              Consent for a webapp
            </Title>
            <ProblemAlert error={give.error} />
            <Select
              label="Webapp"
              searchable
              data={(webapps.data?.items ?? []).map((w) => ({ value: w.id, label: w.name }))}
              value={webappId}
              onChange={setWebappId}
              placeholder="Choose a webapp"
              nothingFoundMessage="No webapp matches"
              error={fieldError(give.error, 'webappId')}
            />
            <MultiSelect
              label="Secrets it may receive"
              data={(names.data?.items ?? []).map((s) => s.name)}
              value={chosen}
              onChange={setChosen}
              placeholder={names.data && names.data.items.length === 0 ? 'Store a secret first' : 'Choose your secrets'}
              error={fieldError(give.error, 'names')}
            />
            <Group>
              <Button type="submit" disabled={!webappId} loading={give.isPending}>
                Save consent
              </Button>
            </Group>
          </Stack>
        </form>
      </Stack>
    </Card>
  );
}

export function MySecretsScreen() {
  return (
    <Page title="My secrets">
      <Secrets />
      <Consents />
    </Page>
  );
}
