import { Alert, Badge, Button, Card, Checkbox, Group, NumberInput, Stack, Switch, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, type paths } from '../api/client';
import { unwrap } from '../api/problem';
import { when } from '../ui/format';
import { Saved } from '../ui/loaded';
import { DataTable } from '../ui/data-table';
import { Page } from '../ui/page';
import { fieldError, ProblemAlert } from '../ui/problem-alert';

type SecuritySettings = paths['/api/v1/settings/security']['get']['responses'][200]['content']['application/json'];
interface Jwk {
  kid?: string;
  alg?: string;
  kty?: string;
  crv?: string;
  use?: string;
}

function Jwks() {
  const jwks = useQuery({
    queryKey: ['jwks'],
    // Not from the HTTP cache (the JWKS is cacheable for verifiers): a rotation shows at once.
    queryFn: async () => (await unwrap(api.GET('/.well-known/jwks.json', { cache: 'no-store' }))) as unknown as { keys: Jwk[] },
  });
  return (
    <Stack gap="xs">
      <ProblemAlert error={jwks.error} />
      <DataTable
        label="Published keys"
        minWidth={480}
        columns={['Key id', 'Algorithm', 'Type']}
        rows={jwks.data?.keys}
        rowKey={(k) => k.kid ?? JSON.stringify(k)}
        cells={(k) => [
          <Text ff="monospace" size="sm">
            {k.kid}
          </Text>,
          k.alg,
          k.crv ? `${k.kty} ${k.crv}` : k.kty,
        ]}
        empty="No published keys."
      />
      <Text size="sm" c="dimmed">
        Published at /.well-known/jwks.json: the signing key, keys waiting to sign, and retired keys while tokens they signed may live.
      </Text>
    </Stack>
  );
}

function Rotation() {
  const queryClient = useQueryClient();
  const [revokePrevious, setRevokePrevious] = useState(false);
  const rotate = useMutation({
    mutationFn: (immediate: boolean) =>
      unwrap(api.POST('/api/v1/admin/keys/rotate', { body: { immediate, revokePrevious: immediate ? revokePrevious : undefined } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['jwks'] }),
  });
  const r = rotate.data;
  return (
    <Stack gap="sm">
      <Text size="sm">
        A rotation adds a key. With the delay, it is published first and signs once verifiers have had time to fetch it; now, it signs at once (for a leaked
        key, with the previous key withdrawn).
      </Text>
      <Checkbox
        label="Withdraw the previous key at once (tokens it signed stop verifying)"
        checked={revokePrevious}
        onChange={(e) => setRevokePrevious(e.currentTarget.checked)}
      />
      <Group>
        <Button onClick={() => rotate.mutate(false)} loading={rotate.isPending && rotate.variables === false}>
          Rotate after the publication delay
        </Button>
        <Button variant="default" onClick={() => rotate.mutate(true)} loading={rotate.isPending && rotate.variables === true}>
          Rotate now
        </Button>
      </Group>
      <ProblemAlert error={rotate.error} />
      {r ? (
        // A key id is one long word: it breaks anywhere rather than push the alert past a phone's edge.
        <Alert color="green" variant="light" title={`New key ${r.kid}`} role="status" styles={{ body: { minWidth: 0 }, title: { overflowWrap: 'anywhere' } }}>
          {r.alg}, published {when(r.publishedAt)}, signs from {when(r.activatesAt)}.{r.revokedKid ? ` Key ${r.revokedKid} was withdrawn.` : ''}
          {r.previousKeyUnpublishedAt ? ` The previous key stays published until ${when(r.previousKeyUnpublishedAt)}.` : ''}
        </Alert>
      ) : null}
    </Stack>
  );
}

const LIFETIMES = [
  { key: 'backendTokenLifetimeSeconds', label: 'Backend token lifetime (seconds)' },
  { key: 'identityTokenLifetimeSeconds', label: 'Identity token lifetime (seconds)' },
  { key: 'impersonationTokenLifetimeSeconds', label: 'Impersonation token lifetime (seconds)' },
  { key: 'maxRunLifetimeSeconds', label: 'Longest run (seconds)' },
] as const;

function SettingsForm({ settings }: { settings: SecuritySettings }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState(settings);
  const save = useMutation({
    mutationFn: () => {
      const patch = Object.fromEntries(Object.entries(form).filter(([k, v]) => settings[k as keyof SecuritySettings] !== v));
      return unwrap(api.PATCH('/api/v1/settings/security', { body: patch }));
    },
    onSuccess: (s) => queryClient.setQueryData(['settings', 'security'], s),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <form onSubmit={submit} aria-label="Security settings">
      <Stack gap="sm">
        <ProblemAlert error={save.error} title="The settings were not saved" />
        <Switch
          label="Allow impersonating admins (only by webapps running as an admin)"
          checked={form.allowImpersonatingAdmins}
          onChange={(e) => setForm({ ...form, allowImpersonatingAdmins: e.currentTarget.checked })}
          error={fieldError(save.error, 'allowImpersonatingAdmins')}
        />
        <Switch
          label="Hide access tokens in every webapp"
          checked={form.hideAccessTokens}
          onChange={(e) => setForm({ ...form, hideAccessTokens: e.currentTarget.checked })}
          error={fieldError(save.error, 'hideAccessTokens')}
        />
        {LIFETIMES.map((l) => (
          <NumberInput
            key={l.key}
            label={l.label}
            value={form[l.key]}
            onChange={(v) => setForm({ ...form, [l.key]: typeof v === 'number' ? v : Number(v) })}
            allowDecimal={false}
            error={fieldError(save.error, l.key)}
            maw={320}
          />
        ))}
        <Group>
          <Button type="submit" loading={save.isPending}>
            Save settings
          </Button>
          <Saved saved={save.isSuccess} />
        </Group>
      </Stack>
    </form>
  );
}

export function KeysScreen() {
  const settings = useQuery({ queryKey: ['settings', 'security'], queryFn: () => unwrap(api.GET('/api/v1/settings/security')) });
  return (
    <Page title="Keys and settings">
      <Card withBorder>
        <Title order={2} size="h3" mb="sm">
          Signing keys
        </Title>
        <Jwks />
      </Card>
      <Card withBorder>
        <Title order={2} size="h3" mb="sm">
          Rotation
        </Title>
        <Rotation />
      </Card>
      <Card withBorder>
        <Title order={2} size="h3" mb="sm">
          Security settings <Badge variant="light">global</Badge>
        </Title>
        <ProblemAlert error={settings.error} />
        {settings.data ? <SettingsForm settings={settings.data} /> : null}
      </Card>
    </Page>
  );
}
