import { Alert, Anchor, Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES } from '@behalf/contracts/codes';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { AuditEvent } from '@behalf/contracts';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { auditTarget } from '../ui/audit-target';
import { isoToLocalInput, localInputToIso, when } from '../ui/format';
import { Outcome } from '../ui/outcome';
import { FilterButtons, useUrlFilters } from '../ui/filter-form';
import { DataTable } from '../ui/data-table';
import { Page } from '../ui/page';
import { Pager } from '../ui/pager';
import { WebappPicker } from '../ui/pickers';
import { fieldError, ProblemAlert } from '../ui/problem-alert';

type Filters = { action?: string; actor?: string; subject?: string; webapp?: string; outcome?: string; since?: string; until?: string };

/** A record's target in words, linked to its screen where it has one; the whole id in a tooltip. */
function Target({ event }: { event: Pick<AuditEvent, 'target' | 'webappId'> }) {
  const view = auditTarget(event);
  if (!view) return <>—</>;
  const title = view.id ?? undefined;
  return view.to ? (
    <Anchor component={Link} to={view.to} title={title}>
      {view.label}
    </Anchor>
  ) : (
    <span title={title}>{view.label}</span>
  );
}

function ChainVerification() {
  const verify = useMutation({ mutationFn: () => unwrap(api.GET('/api/v1/audit-events/verify')) });
  return (
    <Stack gap="xs">
      <Group>
        <Button onClick={() => verify.mutate()} loading={verify.isPending}>
          Verify the chain
        </Button>
      </Group>
      <ProblemAlert error={verify.error} />
      {verify.data ? (
        verify.data.ok ? (
          <Alert color="green" variant="light" title="The chain verifies" role="status">
            All {verify.data.checked} records are intact and in order.
          </Alert>
        ) : (
          <Alert color="red" variant="light" title="The chain is broken" role="alert">
            The first broken record is {verify.data.firstBrokenId ?? 'unknown'} ({verify.data.checked} records checked). Records from it on cannot be trusted.
          </Alert>
        )
      ) : null}
    </Stack>
  );
}

export function AuditScreen() {
  const { filters: search, form, set, submit, clear, paging } = useUrlFilters<Filters>('/audit');
  const events = useQuery({
    queryKey: ['audit', search, paging.cursor],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/audit-events', {
          params: { query: { ...search, outcome: search.outcome as 'allowed' | undefined, cursor: paging.cursor } },
        }),
      ),
  });
  return (
    <Page title="Audit">
      <ChainVerification />
      <form onSubmit={submit} aria-label="Filters">
        <Group align="end" wrap="wrap" gap="sm">
          <Select
            label="Action"
            searchable
            clearable
            data={[...AUDIT_ACTIONS]}
            value={form.action ?? null}
            onChange={set('action')}
            error={fieldError(events.error, 'action')}
          />
          <TextInput
            label="Actor"
            description="login or id"
            value={form.actor ?? ''}
            onChange={(e) => set('actor')(e.currentTarget.value)}
            error={fieldError(events.error, 'actor')}
          />
          <TextInput
            label="On behalf of"
            description="login or id"
            value={form.subject ?? ''}
            onChange={(e) => set('subject')(e.currentTarget.value)}
            error={fieldError(events.error, 'subject')}
          />
          <WebappPicker label="Webapp" value={form.webapp ?? null} onChange={set('webapp')} error={fieldError(events.error, 'webapp')} />
          <Select label="Outcome" clearable data={[...AUDIT_OUTCOMES]} value={form.outcome ?? null} onChange={set('outcome')} placeholder="any" />
          <TextInput
            label="Since"
            type="datetime-local"
            value={form.since ? isoToLocalInput(form.since) : ''}
            onChange={(e) => set('since')(localInputToIso(e.currentTarget.value) ?? null)}
            error={fieldError(events.error, 'since')}
          />
          <TextInput
            label="Until"
            type="datetime-local"
            value={form.until ? isoToLocalInput(form.until) : ''}
            onChange={(e) => set('until')(localInputToIso(e.currentTarget.value) ?? null)}
            error={fieldError(events.error, 'until')}
          />
          <FilterButtons clear={clear} />
        </Group>
      </form>
      <ProblemAlert error={events.error} />
      <DataTable
        label="Audit records"
        minWidth={760}
        columns={['#', 'When', 'Action', 'Actor', 'On behalf of', 'Target', 'Outcome']}
        rows={events.data?.items}
        rowKey={(e) => e.id}
        cells={(e) => [
          e.id,
          when(e.at),
          <Text ff="monospace" size="sm">
            {e.action}
          </Text>,
          e.actor?.login ?? '—',
          e.onBehalfOf?.login ?? '—',
          <Target event={e} />,
          <Outcome outcome={e.outcome} reason={e.reason} />,
        ]}
        striped
        empty="No record matches."
      />
      <Pager paging={paging} nextCursor={events.data?.nextCursor} label="Audit records" />
    </Page>
  );
}
