import { Anchor, Button, Select, Stack, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { isAdmin, may, meQuery } from '../app/session';
import { PendingSecretNameRequests } from './secret-name-request';
import { CreateDialog } from '../ui/create-dialog';
import { DataTable } from '../ui/data-table';
import { Page } from '../ui/page';
import { Pager, usePaging } from '../ui/pager';
import { fieldError, ProblemAlert } from '../ui/problem-alert';

export const KINDS = ['streamlit', 'dash', 'shiny', 'bokeh', 'flask', 'express', 'standard'] as const;
export type Kind = (typeof KINDS)[number];
export type Source = { type: 'image'; image: string } | { type: 'git'; repository: string; ref: string } | { type: 'bundle'; bundleId: string };

/** What the runtime launches: an image, a repository at a ref, or a bundle. */
export function SourceFields({ value, onChange, error }: { value: Source | undefined; onChange: (s: Source | undefined) => void; error: unknown }) {
  const type = value?.type ?? null;
  return (
    <Stack gap="sm">
      <Select
        label="Source"
        description="what the runtime launches"
        clearable
        data={[
          { value: 'image', label: 'Container image' },
          { value: 'git', label: 'Git repository' },
          { value: 'bundle', label: 'Bundle' },
        ]}
        value={type}
        onChange={(t) =>
          onChange(
            t === 'image'
              ? { type: 'image', image: '' }
              : t === 'git'
                ? { type: 'git', repository: '', ref: 'main' }
                : t === 'bundle'
                  ? { type: 'bundle', bundleId: '' }
                  : undefined,
          )
        }
        error={fieldError(error, 'source.type')}
      />
      {value?.type === 'image' ? (
        <TextInput
          label="Image"
          value={value.image}
          onChange={(e) => onChange({ ...value, image: e.currentTarget.value })}
          error={fieldError(error, 'source.image')}
        />
      ) : null}
      {value?.type === 'git' ? (
        <>
          <TextInput
            label="Repository URL"
            value={value.repository}
            onChange={(e) => onChange({ ...value, repository: e.currentTarget.value })}
            error={fieldError(error, 'source.repository')}
          />
          <TextInput
            label="Ref"
            value={value.ref}
            onChange={(e) => onChange({ ...value, ref: e.currentTarget.value })}
            error={fieldError(error, 'source.ref')}
          />
        </>
      ) : null}
      {value?.type === 'bundle' ? (
        <TextInput
          label="Bundle id"
          value={value.bundleId}
          onChange={(e) => onChange({ ...value, bundleId: e.currentTarget.value })}
          error={fieldError(error, 'source.bundleId')}
        />
      ) : null}
    </Stack>
  );
}

function CreateWebapp({ onCreated }: { onCreated: (id: string) => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<Kind>('streamlit');
  const [description, setDescription] = useState('');
  const [source, setSource] = useState<Source | undefined>();
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/webapps', { body: { name, kind, description: description || undefined, source } })),
    onSuccess: async (w) => {
      await queryClient.invalidateQueries({ queryKey: ['webapps'] });
      onCreated(w.id);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit} aria-label="New webapp">
      <Stack gap="sm">
        <ProblemAlert error={create.error} />
        <TextInput
          label="Name"
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={fieldError(create.error, 'name')}
          data-autofocus
        />
        <Select
          label="Kind"
          data={[...KINDS]}
          value={kind}
          onChange={(k) => setKind((k as Kind) ?? 'streamlit')}
          allowDeselect={false}
          error={fieldError(create.error, 'kind')}
        />
        <Textarea
          label="Description"
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          error={fieldError(create.error, 'description')}
        />
        <SourceFields value={source} onChange={setSource} error={create.error} />
        <Button type="submit" loading={create.isPending} disabled={!name}>
          Create webapp
        </Button>
      </Stack>
    </form>
  );
}

export function WebappsScreen() {
  const paging = usePaging();
  const me = useQuery(meQuery);
  const webapps = useQuery({
    queryKey: ['webapps', 'list', paging.cursor],
    queryFn: () => unwrap(api.GET('/api/v1/webapps', { params: { query: { cursor: paging.cursor } } })),
  });
  const mayCreate = may(me.data, 'mayCreateWebapps');
  return (
    <Page
      title="Webapps"
      actions={
        mayCreate ? <CreateDialog title="New webapp" pathOf={(id) => `/webapps/${id}`} form={(created) => <CreateWebapp onCreated={created} />} /> : null
      }
    >
      <ProblemAlert error={webapps.error} />
      <DataTable
        label="Webapps"
        minWidth={560}
        columns={['Name', 'Kind', 'Owner', 'Address']}
        rows={webapps.data?.items}
        rowKey={(w) => w.id}
        cells={(w) => [
          <Anchor component={Link} to={`/webapps/${w.id}`}>
            {w.name}
          </Anchor>,
          w.kind,
          w.owner?.login ?? '—',
          <Anchor href={w.url} target="_blank" rel="noopener noreferrer" size="sm">
            {w.url}
          </Anchor>,
        ]}
        striped
        empty="No webapps you may see."
      />
      <Pager paging={paging} nextCursor={webapps.data?.nextCursor} label="Webapps" />
      {isAdmin(me.data) ? <PendingSecretNameRequests /> : null}
    </Page>
  );
}
