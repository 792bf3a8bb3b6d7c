import { Paper, Anchor, Badge, Button, Card, Code, Group, List, Select, Stack, Switch, TagsInput, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { api, type paths } from '../api/client';
import { unwrap } from '../api/problem';
import { isAdmin, meQuery } from '../app/session';
import { when } from '../ui/format';
import { Saved, whenLoaded } from '../ui/loaded';
import { DataTable } from '../ui/data-table';
import { Page } from '../ui/page';
import { Pager, usePaging } from '../ui/pager';
import { GroupsPicker, UserPicker, UsersPicker } from '../ui/pickers';
import { fieldError, ProblemAlert } from '../ui/problem-alert';
import { SecretNameRequestPanel } from './secret-name-request';
import { KINDS, type Kind, type Source, SourceFields } from './webapps';

type Webapp = paths['/api/v1/webapps/{id}']['get']['responses'][200]['content']['application/json'];
type Settings = paths['/api/v1/webapps/{id}/settings']['get']['responses'][200]['content']['application/json'];
type SettingsPatch = NonNullable<paths['/api/v1/webapps/{id}/settings']['patch']['requestBody']>['content']['application/json'];
type LaunchSpec = paths['/api/v1/webapps/{id}/runs']['post']['responses'][201]['content']['application/json'];

function Details({ webapp }: { webapp: Webapp }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState(webapp.name);
  const [slug, setSlug] = useState(webapp.slug);
  const [kind, setKind] = useState<Kind>(webapp.kind);
  const [description, setDescription] = useState(webapp.description ?? '');
  const [source, setSource] = useState<Source | undefined>(webapp.source ?? undefined);
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PATCH('/api/v1/webapps/{id}', {
          params: { path: { id: webapp.id } },
          body: {
            ...(name !== webapp.name ? { name } : {}),
            ...(slug !== webapp.slug ? { slug } : {}),
            ...(kind !== webapp.kind ? { kind } : {}),
            ...(description !== (webapp.description ?? '') ? { description } : {}),
            ...(source && JSON.stringify(source) !== JSON.stringify(webapp.source) ? { source } : {}),
          },
        }),
      ),
    onSuccess: (w) => {
      queryClient.setQueryData(['webapps', webapp.id], w);
      return queryClient.invalidateQueries({ queryKey: ['webapps', webapp.id, 'settings'] });
    },
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/webapps/{id}', { params: { path: { id: webapp.id } } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['webapps'] });
      await navigate({ to: '/webapps' });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <form onSubmit={submit} aria-label="Webapp details">
      <Stack gap="sm">
        <ProblemAlert error={save.error ?? remove.error} />
        <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={fieldError(save.error, 'name')} />
        <TextInput
          label="Slug"
          description="its address: the first label of its origin"
          value={slug}
          onChange={(e) => setSlug(e.currentTarget.value)}
          error={fieldError(save.error, 'slug')}
        />
        <Select
          label="Kind"
          data={[...KINDS]}
          value={kind}
          onChange={(k) => setKind((k as Kind) ?? kind)}
          allowDeselect={false}
          error={fieldError(save.error, 'kind')}
        />
        <Textarea
          label="Description"
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          error={fieldError(save.error, 'description')}
        />
        <SourceFields value={source} onChange={setSource} error={save.error} />
        <Group>
          <Button type="submit" loading={save.isPending}>
            Save details
          </Button>
          <Button color="red" variant="light" onClick={() => remove.mutate()} loading={remove.isPending}>
            Delete webapp
          </Button>
          <Saved saved={save.isSuccess} />
        </Group>
      </Stack>
    </form>
  );
}

/** Only what changed: an unchanged run-as is not re-sent (setting it is an admin's act). */
function changed(before: Settings, after: Settings): SettingsPatch {
  const patch: Record<string, unknown> = {};
  const keys = [
    'identityMode',
    'runAsUserId',
    'access',
    'viewers',
    'hideAccessTokens',
    'mountDatasets',
    'identityPropagation',
    'allowImpersonation',
    'secretNames',
  ] as const;
  for (const key of keys) if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) patch[key] = after[key];
  return patch as SettingsPatch;
}

const SOURCES: Record<string, string> = { explicit: 'set explicitly', last_modifier: 'the last modifier', starter: 'whoever starts it' };

function SecuritySettings({ webappId, settings, admin }: { webappId: string; settings: Settings; admin: boolean }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<Settings>(settings);
  const set = <K extends keyof Settings>(key: K, value: Settings[K]) => setForm((f) => ({ ...f, [key]: value }));
  const save = useMutation({
    mutationFn: () => unwrap(api.PATCH('/api/v1/webapps/{id}/settings', { params: { path: { id: webappId } }, body: changed(settings, form) })),
    onSuccess: (s) => queryClient.setQueryData(['webapps', webappId, 'settings'], s),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const e = save.error;
  const runAs = settings.effectiveRunAs;
  return (
    <form onSubmit={submit} aria-label="Security settings">
      <Stack gap="sm">
        <Paper withBorder p="sm" aria-label="Runs as" component="section">
          <Text fw={600} size="sm">
            Runs as
          </Text>
          {runAs ? (
            <Stack gap={4}>
              <Text>
                <strong>{runAs.login}</strong> ({SOURCES[runAs.source] ?? runAs.source}, {runAs.status})
                {settings.runAsPinnedByAdmin ? ', pinned by an admin' : ''}
              </Text>
              <Text size="sm">{runAs.explanation}</Text>
              {runAs.permissions.length > 0 ? <Text size="sm">Permissions: {runAs.permissions.join(', ')}</Text> : null}
            </Stack>
          ) : (
            <Text size="sm">Nobody yet.</Text>
          )}
        </Paper>
        <ProblemAlert error={e} title="The settings were not saved" />
        <Select
          label="Identity mode"
          description="who its runs act as"
          data={[
            { value: 'run_as_user', label: 'Run as a user' },
            { value: 'starter', label: 'Run as whoever starts it' },
          ]}
          value={form.identityMode}
          onChange={(v) => v && set('identityMode', v as Settings['identityMode'])}
          allowDeselect={false}
          error={fieldError(e, 'identityMode')}
        />
        {form.identityMode === 'run_as_user' ? (
          <UserPicker
            label="Run-as user"
            description={admin ? 'empty: the last user who changed its source' : 'only an admin may pin another user'}
            clearable
            value={form.runAsUserId ?? null}
            onChange={(id) => set('runAsUserId', id as Settings['runAsUserId'])}
            error={fieldError(e, 'runAsUserId')}
          />
        ) : null}
        <Select
          label="Access"
          data={[
            { value: 'public', label: 'Public: anyone, signed in or not' },
            { value: 'authenticated', label: 'Authenticated: every signed-in user' },
            { value: 'restricted', label: 'Restricted: the viewers below' },
          ]}
          value={form.access}
          onChange={(v) => v && set('access', v as Settings['access'])}
          allowDeselect={false}
          error={fieldError(e, 'access')}
        />
        {form.access === 'restricted' ? (
          <>
            <UsersPicker
              label="Viewers: users"
              value={form.viewers.users}
              onChange={(users) => set('viewers', { ...form.viewers, users })}
              error={fieldError(e, 'viewers.users')}
            />
            <GroupsPicker
              label="Viewers: groups"
              value={form.viewers.groups}
              onChange={(groups) => set('viewers', { ...form.viewers, groups })}
              error={fieldError(e, 'viewers.groups')}
            />
          </>
        ) : null}
        <Switch
          label="Allow impersonation (act on behalf of viewers, where a grant allows)"
          checked={form.allowImpersonation}
          onChange={(ev) => set('allowImpersonation', ev.currentTarget.checked)}
          error={fieldError(e, 'allowImpersonation')}
        />
        <Switch
          label="Hide access tokens (no token or secret reaches the backend through auth info)"
          checked={form.hideAccessTokens}
          onChange={(ev) => set('hideAccessTokens', ev.currentTarget.checked)}
          error={fieldError(e, 'hideAccessTokens')}
          description={settings.effectiveHideAccessTokens && !settings.hideAccessTokens ? 'In effect anyway: the global setting hides them.' : undefined}
        />
        <Switch
          label="Mount datasets (off: data only through the dataset API)"
          checked={form.mountDatasets}
          onChange={(ev) => set('mountDatasets', ev.currentTarget.checked)}
          error={fieldError(e, 'mountDatasets')}
        />
        <Switch
          label="Send the viewer in headers (X-Behalf-User, -User-Id, -Groups, -Email)"
          checked={form.identityPropagation.header}
          onChange={(ev) => set('identityPropagation', { ...form.identityPropagation, header: ev.currentTarget.checked })}
          error={fieldError(e, 'identityPropagation.header')}
        />
        <Switch
          label="Send an identity token (X-Behalf-Identity)"
          checked={form.identityPropagation.jwt}
          onChange={(ev) => set('identityPropagation', { ...form.identityPropagation, jwt: ev.currentTarget.checked })}
          error={fieldError(e, 'identityPropagation.jwt')}
        />
        <TagsInput
          label="Secret names it may receive"
          description={admin ? 'viewers must also consent' : 'only an admin may add names'}
          value={form.secretNames ?? []}
          onChange={(names) => set('secretNames', names)}
          error={fieldError(e, 'secretNames')}
        />
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

/** A launch spec as shown: everything but the backend token, which stays with the runtime. */
function LaunchSpecView({ spec }: { spec: LaunchSpec }) {
  const { backendToken: _token, env, ...rest } = spec;
  const { BEHALF_BACKEND_TOKEN: _envToken, ...shownEnv } = env;
  return (
    <Stack gap={4}>
      <Text size="sm">Launch spec (the backend token is not shown):</Text>
      <Code block tabIndex={0} aria-label="Launch spec">
        {JSON.stringify({ ...rest, env: shownEnv }, null, 2)}
      </Code>
    </Stack>
  );
}

function Runs({ webappId }: { webappId: string }) {
  const paging = usePaging();
  const queryClient = useQueryClient();
  const [spec, setSpec] = useState<LaunchSpec | null>(null);
  const runs = useQuery({
    queryKey: ['webapps', webappId, 'runs', paging.cursor],
    queryFn: () => unwrap(api.GET('/api/v1/webapps/{id}/runs', { params: { path: { id: webappId }, query: { cursor: paging.cursor } } })),
  });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: ['webapps', webappId, 'runs'] });
  const start = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/webapps/{id}/runs', { params: { path: { id: webappId } }, body: {} })),
    onSuccess: async (s) => {
      setSpec(s);
      await invalidate();
    },
  });
  const stop = useMutation({
    mutationFn: (runId: string) => unwrap(api.DELETE('/api/v1/webapps/{id}/runs/{runId}', { params: { path: { id: webappId, runId } } })),
    onSuccess: invalidate,
  });
  return (
    <Stack gap="sm">
      <Group>
        <Button onClick={() => start.mutate()} loading={start.isPending}>
          Start a run
        </Button>
      </Group>
      <ProblemAlert error={start.error ?? stop.error ?? runs.error} />
      {spec ? <LaunchSpecView spec={spec} /> : null}
      <DataTable
        label="Runs"
        minWidth={640}
        columns={['Started', 'Runs as', 'Started by', 'State', 'Upstream', 'Actions']}
        rows={runs.data?.items}
        rowKey={(r) => r.id}
        cells={(r) => [
          when(r.startedAt),
          r.identity.login,
          r.startedBy?.login ?? '—',
          <>
            <Badge color={r.status === 'active' ? 'green' : 'gray'} variant="light">
              {r.status}
            </Badge>
            {r.status === 'stopped' ? (
              <Text size="xs" c="dimmed">
                {when(r.stoppedAt)}
                {r.stopReason ? `: ${r.stopReason}` : ''}
              </Text>
            ) : (
              <Text size="xs" c="dimmed">
                until {when(r.endsAt)}
              </Text>
            )}
          </>,
          <Text size="sm" ff="monospace">
            {r.upstreamUrl ?? '—'}
          </Text>,
          r.status === 'active' ? (
            <Button size="xs" color="red" variant="light" onClick={() => stop.mutate(r.id)} aria-label={`Stop the run started ${when(r.startedAt)}`}>
              Stop
            </Button>
          ) : null,
        ]}
        empty="No runs yet."
      />
      <Pager paging={paging} nextCursor={runs.data?.nextCursor} label="Runs" />
    </Stack>
  );
}

export function WebappScreen() {
  const { webappId } = useParams({ strict: false }) as { webappId: string };
  const me = useQuery(meQuery);
  // Bumped when the settings change outside their form (an approval), so the form shows them.
  const [formVersion, setFormVersion] = useState(0);
  const webapp = useQuery({
    queryKey: ['webapps', webappId],
    queryFn: () => unwrap(api.GET('/api/v1/webapps/{id}', { params: { path: { id: webappId } } })),
  });
  const settings = useQuery({
    queryKey: ['webapps', webappId, 'settings'],
    queryFn: () => unwrap(api.GET('/api/v1/webapps/{id}/settings', { params: { path: { id: webappId } } })),
  });
  const loaded = whenLoaded(webapp, 'Webapp');
  if ('view' in loaded) return loaded.view;
  const w = loaded.data;
  const admin = isAdmin(me.data);
  return (
    <Page title={`Webapp ${w.name}`}>
      <Card withBorder>
        <Title order={2} size="h3" mb="xs">
          Address
        </Title>
        <Text size="sm">Viewers open it through the gateway at</Text>
        <Anchor href={w.url} target="_blank" rel="noopener noreferrer">
          {w.url}
        </Anchor>
        <List size="sm" mt="xs">
          <List.Item>Owner: {w.owner?.login ?? '—'}</List.Item>
          <List.Item>
            Last modified by {w.lastModifiedBy?.login ?? '—'}, {when(w.updatedAt)}
          </List.Item>
        </List>
      </Card>
      <Card withBorder>
        <Title order={2} size="h3" mb="sm">
          Details
        </Title>
        <Details key={w.id} webapp={w} />
      </Card>
      <Card withBorder>
        <Title order={2} size="h3" mb="sm">
          Security settings
        </Title>
        {settings.error ? <ProblemAlert error={settings.error} /> : null}
        {settings.data ? <SecuritySettings key={`${w.id}:${formVersion}`} webappId={w.id} settings={settings.data} admin={admin} /> : null}
      </Card>
      {settings.data ? (
        <Card withBorder>
          <Title order={2} size="h3" mb="sm">
            Secret-name request
          </Title>
          <SecretNameRequestPanel webappId={w.id} approved={settings.data.secretNames} admin={admin} onApproved={() => setFormVersion((v) => v + 1)} />
        </Card>
      ) : null}
      <Card withBorder>
        <Title order={2} size="h3" mb="sm">
          Runs
        </Title>
        <Runs webappId={w.id} />
      </Card>
    </Page>
  );
}
