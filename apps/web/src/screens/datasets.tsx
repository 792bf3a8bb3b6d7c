import { Anchor, Badge, Button, Stack, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { may, meQuery } from '../app/session';
import { when } from '../ui/format';
import { CreateDialog } from '../ui/create-dialog';
import { DataTable } from '../ui/data-table';
import { Page } from '../ui/page';
import { Pager, usePaging } from '../ui/pager';
import { fieldError, ProblemAlert } from '../ui/problem-alert';

function CreateDataset({ onCreated }: { onCreated: (id: string) => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/datasets', { body: { name, description: description || undefined } })),
    onSuccess: async (d) => {
      await queryClient.invalidateQueries({ queryKey: ['datasets'] });
      onCreated(d.id);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit} aria-label="New dataset">
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
        <Textarea
          label="Description"
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          error={fieldError(create.error, 'description')}
        />
        <Button type="submit" loading={create.isPending} disabled={!name}>
          Create dataset
        </Button>
      </Stack>
    </form>
  );
}

export function DatasetsScreen() {
  const paging = usePaging();
  const me = useQuery(meQuery);
  const datasets = useQuery({
    queryKey: ['datasets', 'list', paging.cursor],
    queryFn: () => unwrap(api.GET('/api/v1/datasets', { params: { query: { cursor: paging.cursor } } })),
  });
  const mayCreate = may(me.data, 'mayManageDatasets');
  return (
    <Page
      title="Datasets"
      actions={
        mayCreate ? <CreateDialog title="New dataset" pathOf={(id) => `/datasets/${id}`} form={(created) => <CreateDataset onCreated={created} />} /> : null
      }
    >
      <ProblemAlert error={datasets.error} />
      <DataTable
        label="Datasets"
        minWidth={520}
        columns={['Name', 'Owner', 'Your access', 'Updated']}
        rows={datasets.data?.items}
        rowKey={(d) => d.id}
        cells={(d) => [
          <Anchor component={Link} to={`/datasets/${d.id}`}>
            {d.name}
          </Anchor>,
          d.owner?.login ?? '—',
          <Badge variant="light">{d.access}</Badge>,
          when(d.updatedAt),
        ]}
        striped
        empty="No datasets you may read."
      />
      <Pager paging={paging} nextCursor={datasets.data?.nextCursor} label="Datasets" />
    </Page>
  );
}
