import { Anchor, Button, Card, FileInput, Group, Progress, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { fileUrl, type Upload, uploadFile } from '../api/upload';
import { bytes, when } from '../ui/format';
import { whenLoaded } from '../ui/loaded';
import { DataTable } from '../ui/data-table';
import { Page } from '../ui/page';
import { Pager, usePaging } from '../ui/pager';
import { GroupPicker } from '../ui/pickers';
import { fieldError, ProblemAlert } from '../ui/problem-alert';

function Permissions({ datasetId }: { datasetId: string }) {
  const queryClient = useQueryClient();
  const [groupId, setGroupId] = useState<string | null>(null);
  const [access, setAccess] = useState<'read' | 'write'>('read');
  const permissions = useQuery({
    queryKey: ['datasets', datasetId, 'permissions'],
    queryFn: () => unwrap(api.GET('/api/v1/datasets/{id}/permissions', { params: { path: { id: datasetId } } })),
  });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: ['datasets', datasetId, 'permissions'] });
  const set = useMutation({
    mutationFn: (p: { groupId: string; access: 'read' | 'write' }) =>
      unwrap(
        api.PUT('/api/v1/datasets/{id}/permissions/groups/{groupId}', { params: { path: { id: datasetId, groupId: p.groupId } }, body: { access: p.access } }),
      ),
    onSuccess: async () => {
      setGroupId(null);
      await invalidate();
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/datasets/{id}/permissions/groups/{groupId}', { params: { path: { id: datasetId, groupId: id } } })),
    onSuccess: invalidate,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (groupId) set.mutate({ groupId, access });
  };
  if (permissions.error) return <ProblemAlert error={permissions.error} />;
  return (
    <Stack gap="sm">
      <Text size="sm">Owner: {permissions.data?.owner?.login ?? '—'} (may manage it)</Text>
      <ProblemAlert error={remove.error} />
      {permissions.data?.groups.length === 0 ? <Text c="dimmed">No group may use it yet.</Text> : null}
      {permissions.data?.groups.map((g) => (
        <Group key={g.groupId} justify="space-between" wrap="nowrap">
          <Text>
            {g.groupName}: <strong>{g.access}</strong>
          </Text>
          <Group gap="xs" wrap="nowrap">
            <Button
              size="xs"
              variant="default"
              onClick={() => set.mutate({ groupId: g.groupId, access: g.access === 'read' ? 'write' : 'read' })}
              aria-label={`${g.access === 'read' ? 'Allow writing' : 'Read only'} for ${g.groupName}`}
            >
              {g.access === 'read' ? 'Allow writing' : 'Read only'}
            </Button>
            <Button size="xs" color="red" variant="light" onClick={() => remove.mutate(g.groupId)} aria-label={`Remove ${g.groupName}'s permission`}>
              Remove
            </Button>
          </Group>
        </Group>
      ))}
      <form onSubmit={submit} aria-label="Give a group access">
        <Stack gap="sm">
          <ProblemAlert error={set.error} />
          <Group align="end" wrap="wrap">
            <GroupPicker label="Group" value={groupId} onChange={setGroupId} error={fieldError(set.error, 'groupId')} />
            <SegmentedControl
              aria-label="Access"
              data={[
                { value: 'read', label: 'Read' },
                { value: 'write', label: 'Read and write' },
              ]}
              value={access}
              onChange={(v) => setAccess(v as 'read' | 'write')}
            />
            <Button type="submit" disabled={!groupId} loading={set.isPending}>
              Give access
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}

function UploadForm({ datasetId, prefix, onStored }: { datasetId: string; prefix: string; onStored: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [path, setPath] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [stored, setStored] = useState<string | null>(null);
  const upload = useRef<Upload | null>(null);
  useEffect(() => () => upload.current?.cancel(), []);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    const target = path || `${prefix}${file.name}`;
    setError(null);
    setStored(null);
    setProgress(0);
    upload.current = uploadFile(datasetId, target, file, setProgress);
    upload.current.done
      .then(
        () => {
          setStored(target);
          setFile(null);
          setPath('');
          onStored();
        },
        (problem: unknown) => setError(problem),
      )
      .finally(() => {
        upload.current = null;
        setProgress(null);
      });
  };
  return (
    <form onSubmit={submit} aria-label="Upload a file">
      <Stack gap="sm">
        <Title order={3} size="h4">
          Upload a file
        </Title>
        <ProblemAlert error={error} />
        <FileInput label="File" value={file} onChange={setFile} placeholder="Choose a file" clearable />
        <TextInput label="Path in the dataset" description={`default: ${prefix}<file name>`} value={path} onChange={(e) => setPath(e.currentTarget.value)} />
        {progress !== null ? <Progress value={Math.round(progress * 100)} aria-label="Upload progress" animated /> : null}
        <Group>
          <Button type="submit" disabled={!file || progress !== null}>
            Upload
          </Button>
          {progress !== null ? (
            <Button variant="default" onClick={() => upload.current?.cancel()}>
              Cancel upload
            </Button>
          ) : null}
          {stored ? (
            <Text size="sm" role="status">
              Stored {stored}.
            </Text>
          ) : null}
        </Group>
      </Stack>
    </form>
  );
}

function Files({ datasetId, access }: { datasetId: string; access: string }) {
  const paging = usePaging();
  const queryClient = useQueryClient();
  const [prefixText, setPrefixText] = useState('');
  const [prefix] = useDebouncedValue(prefixText, 250);
  const { reset } = paging;
  useEffect(() => reset(), [prefix, reset]);
  const files = useQuery({
    queryKey: ['datasets', datasetId, 'files', prefix, paging.cursor],
    queryFn: () =>
      unwrap(api.GET('/api/v1/datasets/{id}/files', { params: { path: { id: datasetId }, query: { prefix: prefix || undefined, cursor: paging.cursor } } })),
  });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: ['datasets', datasetId, 'files'] });
  const remove = useMutation({
    mutationFn: (path: string) => unwrap(api.DELETE('/api/v1/datasets/{id}/files/{path}', { params: { path: { id: datasetId, path } } })),
    onSuccess: invalidate,
  });
  const writer = access === 'write' || access === 'manage';
  return (
    <Stack gap="sm">
      <TextInput
        label="Folder or prefix"
        description="e.g. reports/2026/"
        value={prefixText}
        onChange={(e) => setPrefixText(e.currentTarget.value)}
        maw={360}
      />
      <ProblemAlert error={files.error ?? remove.error} />
      <DataTable
        label="Files"
        minWidth={560}
        columns={['Path', 'Size', 'Type', 'Updated', 'Actions']}
        rows={files.data?.items}
        rowKey={(f) => f.path}
        cells={(f) => [
          <Text ff="monospace" size="sm">
            {f.path}
          </Text>,
          bytes(f.size),
          f.contentType,
          when(f.updatedAt),
          <Group gap="xs" wrap="nowrap">
            <Button
              component="a"
              size="xs"
              variant="default"
              href={fileUrl(datasetId, f.path)}
              download={f.path.split('/').pop()}
              aria-label={`Download ${f.path}`}
            >
              Download
            </Button>
            {writer ? (
              <Button size="xs" color="red" variant="light" onClick={() => remove.mutate(f.path)} aria-label={`Delete ${f.path}`}>
                Delete
              </Button>
            ) : null}
          </Group>,
        ]}
        empty={prefix ? 'No file under this prefix.' : 'No files yet.'}
      />
      <Pager paging={paging} nextCursor={files.data?.nextCursor} label="Files" />
      {writer ? <UploadForm datasetId={datasetId} prefix={prefix} onStored={() => void invalidate()} /> : null}
    </Stack>
  );
}

export function DatasetScreen() {
  const { datasetId } = useParams({ strict: false }) as { datasetId: string };
  const dataset = useQuery({
    queryKey: ['datasets', datasetId],
    queryFn: () => unwrap(api.GET('/api/v1/datasets/{id}', { params: { path: { id: datasetId } } })),
  });
  const loaded = whenLoaded(dataset, 'Dataset');
  if ('view' in loaded) return loaded.view;
  const d = loaded.data;
  return (
    <Page title={`Dataset ${d.name}`}>
      {d.description ? <Text>{d.description}</Text> : null}
      <Text size="sm" c="dimmed">
        Your access: {d.access}. Owner: {d.owner?.login ?? '—'}.
      </Text>
      <Card withBorder>
        <Title order={2} size="h3" mb="sm">
          Files
        </Title>
        <Files datasetId={d.id} access={d.access} />
      </Card>
      {d.access === 'manage' ? (
        <Card withBorder>
          <Title order={2} size="h3" mb="sm">
            Permissions
          </Title>
          <Permissions datasetId={d.id} />
        </Card>
      ) : null}
      <Anchor href="/api/docs" size="sm" target="_blank" rel="noopener noreferrer">
        The dataset API, for scripts
      </Anchor>
    </Page>
  );
}
