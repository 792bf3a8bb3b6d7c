import { Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { AUDIT_OUTCOMES } from '@behalf/contracts/codes';
import type { AuditOutcome } from '@behalf/contracts';
import { api } from '../api/client';
import { meQuery } from '../app/session';
import { unwrap } from '../api/problem';
import { auditTarget } from '../ui/audit-target';
import { when } from '../ui/format';
import { Outcome } from '../ui/outcome';
import { FilterButtons, useUrlFilters } from '../ui/filter-form';
import { DataTable } from '../ui/data-table';
import { Page } from '../ui/page';
import { Pager } from '../ui/pager';
import { WebappPicker, useWebappOptions } from '../ui/pickers';
import { ProblemAlert } from '../ui/problem-alert';

/** What an event's action code says, in words. */
const ACTIONS: Record<string, string> = {
  'token.exchange': 'Exchanged your identity for a token acting as you',
  'impersonation.request': 'Called Behalf as you',
  'secret.deliver': 'Received your secrets',
  'runtime.auth_info': 'Asked who you are',
  'runtime.identity_token': 'Obtained your identity token',
};

export function describeAction(action: string): string {
  return ACTIONS[action] ?? action;
}

/** The filters the API applies (`GET /api/v1/users/me/impersonation-events`). */
type Filters = { actor?: string; webapp?: string; action?: string; outcome?: AuditOutcome };

/** What an event was on, its whole id in a tooltip; nothing without a label. */
function EventTarget({ label, id }: { label: string | null; id: string | null }) {
  return label ? (
    <Text size="xs" c="dimmed" title={id ?? undefined}>
      {label}
    </Text>
  ) : null;
}

/** "Who acted as me": every exchange, call and secret delivery made as the signed-in person, filtered by the API. */
export function ActedAsMeScreen() {
  const { filters, form, set, submit, clear, filtered, paging } = useUrlFilters<Filters>('/me/acted-as-me');
  const events = useQuery({
    queryKey: ['me', 'impersonation-events', filters, paging.cursor],
    queryFn: () => unwrap(api.GET('/api/v1/users/me/impersonation-events', { params: { query: { ...filters, cursor: paging.cursor } } })),
  });
  const webapps = useWebappOptions();
  const webappName = (id: string | null) => (id ? (webapps.data?.find((w) => w.value === id)?.label ?? id) : '—');
  const me = useQuery(meQuery);
  /** What an event was on, in words with a short id (the whole id in a tooltip); nothing when it was the person reading, as the screen already says. */
  const targetLabel = (target: { type: string; id: string | null }) =>
    target.type === 'user' && target.id === me.data?.id ? null : (auditTarget({ target, webappId: null })?.label ?? null);
  return (
    <Page title="Who acted as me">
      <Text c="dimmed">Webapps that acted on your behalf: who ran them, from which webapp, what they did and when.</Text>
      <form onSubmit={submit} aria-label="Filters">
        <Group align="end" wrap="wrap">
          <TextInput label="Actor" description="the login of who acted" value={form.actor ?? ''} onChange={(e) => set('actor')(e.currentTarget.value)} />
          <WebappPicker label="Webapp" value={form.webapp ?? null} onChange={set('webapp')} />
          <Select
            label="What"
            clearable
            data={Object.entries(ACTIONS).map(([value, label]) => ({ value, label }))}
            value={form.action ?? null}
            onChange={set('action')}
            placeholder="anything"
          />
          <Select label="Outcome" clearable data={[...AUDIT_OUTCOMES]} value={form.outcome ?? null} onChange={set('outcome')} placeholder="any" />
          <FilterButtons clear={clear} />
        </Group>
      </form>
      <ProblemAlert error={events.error} />
      <DataTable
        label="Impersonation events"
        minWidth={640}
        columns={['When', 'Actor', 'Webapp', 'What', 'Outcome']}
        rows={events.data?.items}
        rowKey={(e) => e.id}
        cells={(e) => [
          when(e.at),
          e.actor?.login ?? '—',
          webappName(e.webappId),
          <Stack gap={0}>
            <Text size="sm">{describeAction(e.action)}</Text>
            {e.target ? <EventTarget label={targetLabel(e.target)} id={e.target.id} /> : null}
          </Stack>,
          <Outcome outcome={e.outcome} reason={e.reason} />,
        ]}
        striped
        empty={filtered ? 'No event matches the filter.' : 'Nobody has acted as you.'}
      />
      <Pager paging={paging} nextCursor={events.data?.nextCursor} label="Events" />
    </Page>
  );
}
