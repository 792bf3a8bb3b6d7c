import { Alert, Button, Group, List, Stack, Text, TextInput, ThemeIcon } from '@mantine/core';
import type { ImpersonationDecision } from '@behalf/contracts';
import { REFUSALS } from '@behalf/contracts/codes';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { when } from '../ui/format';
import { useUrlFilters } from '../ui/filter-form';
import { Page } from '../ui/page';
import { WebappPicker } from '../ui/pickers';
import { fieldError, ProblemAlert } from '../ui/problem-alert';

type Reason = ImpersonationDecision['reason'];

interface Rule {
  rule: string;
  /** The refusal that means this rule failed. */
  fails?: Reason;
  /** The rule "different people": acting as oneself skips it and every rule after it. */
  self?: true;
}

/** The webapp's own conditions, checked first when a webapp is asked about (DESIGN.md rules 1 and 2). */
const WEBAPP_RULES: Rule[] = [
  { rule: 'The webapp allows impersonation', fails: 'impersonation_not_allowed' },
  { rule: 'The webapp has a live run', fails: 'run_stopped' },
  { rule: 'That run runs as the actor', fails: 'not_run_identity' },
];

/**
 * The policy's rules in the order the API checks them, and which refusal means which rule failed:
 * about the two people alone, or (with a webapp) as the token exchange applies them in it.
 */
function rulesFor(inWebapp: boolean): Rule[] {
  return [
    ...(inWebapp ? WEBAPP_RULES : []),
    { rule: 'The actor is active', fails: 'actor_disabled' },
    { rule: 'The viewer is active', fails: 'subject_disabled' },
    ...(inWebapp ? [{ rule: 'The viewer may view the webapp (its access setting)', fails: 'viewer_cannot_view' } satisfies Rule] : []),
    { rule: 'The actor and the viewer are different people (acting as oneself needs no grant)', self: true },
    { rule: 'The viewer is no admin, unless the global setting allows impersonating admins and the actor is an admin', fails: 'subject_is_admin' },
    { rule: 'A group of the actor holds an impersonation grant on a group of the viewer', fails: 'no_grant' },
    { rule: 'That grant has not expired', fails: 'grant_expired' },
  ];
}

function ruleState(rules: Rule[], index: number, reason: Reason): 'pass' | 'fail' | 'unchecked' | 'self' {
  if (reason === 'allowed') return 'pass';
  if (reason === 'self') return index < rules.findIndex((r) => r.self) ? 'pass' : 'self';
  const failing = rules.findIndex((r) => r.fails === reason);
  if (index < failing) return 'pass';
  return index === failing ? 'fail' : 'unchecked';
}

const MARK = {
  pass: { colour: 'green', sign: '✓', words: 'holds' },
  fail: { colour: 'red', sign: '✗', words: 'fails' },
  unchecked: { colour: 'gray', sign: '–', words: 'not reached' },
  self: { colour: 'gray', sign: '–', words: 'not needed: the same person' },
};

/** Refusals said for this question (the codes' own messages speak of a backend token and its run). */
const WORDS: Partial<Record<Reason, string>> = {
  run_stopped: 'The webapp has no live run: nothing runs that could act. Start a run, then ask again.',
  not_run_identity: 'The webapp’s live run runs as someone else: a backend acts only as its run’s identity.',
};

function because(d: ImpersonationDecision): string {
  if (d.reason === 'self') return 'They are the same person: acting as oneself needs no grant.';
  if (d.allowed && d.grant)
    return `Because group ${d.grant.sourceGroup.name} holds a grant on group ${d.grant.targetGroup.name}: “${d.grant.reason}”${d.grant.expiresAt ? `, until ${when(d.grant.expiresAt)}` : ', with no expiry'}.`;
  return WORDS[d.reason] ?? (d.reason in REFUSALS ? REFUSALS[d.reason as keyof typeof REFUSALS].message : d.reason);
}

export function ExplainScreen() {
  // The question is in the address (a link to it asks it again); Explain sends the form there.
  const { filters: search, form, set, submit } = useUrlFilters<{ actor?: string; subject?: string; webapp?: string }>('/explain');
  const asked = !!search.actor && !!search.subject;
  const check = useQuery({
    queryKey: ['explain', search.actor, search.subject, search.webapp],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/impersonation/check', {
          params: { query: { actor: search.actor ?? '', subject: search.subject ?? '', webapp: search.webapp } },
        }),
      ),
    enabled: asked,
  });
  const d = check.data;
  const rules = rulesFor(!!d?.webapp);
  const where = d?.webapp ? ` in ${d.webapp.name}` : '';
  return (
    <Page title="Explain">
      <Text c="dimmed">May a webapp running as A act on behalf of viewer V, and why? Nothing is issued; the question is audited.</Text>
      <form onSubmit={submit} aria-label="Question">
        <Group align="end" wrap="wrap">
          <TextInput
            label="Actor (A)"
            description="the user the webapp runs as: login or id"
            value={form.actor ?? ''}
            onChange={(e) => set('actor')(e.currentTarget.value)}
            required
            error={fieldError(check.error, 'actor')}
          />
          <TextInput
            label="Viewer (V)"
            description="login or id"
            value={form.subject ?? ''}
            onChange={(e) => set('subject')(e.currentTarget.value)}
            required
            error={fieldError(check.error, 'subject')}
          />
          <WebappPicker
            label="In webapp"
            description="optional: also its own conditions"
            value={form.webapp ?? null}
            onChange={set('webapp')}
            placeholder="any webapp"
            error={fieldError(check.error, 'webapp')}
          />
          <Button type="submit" disabled={!form.actor || !form.subject}>
            Explain
          </Button>
        </Group>
      </form>
      <ProblemAlert error={check.error} />
      {d ? (
        <Stack gap="sm">
          <Alert
            color={d.allowed ? 'green' : 'red'}
            variant="light"
            title={d.allowed ? `${d.actor.login} may act as ${d.subject.login}${where}` : `${d.actor.login} may not act as ${d.subject.login}${where}`}
            role="status"
          >
            {because(d)}
          </Alert>
          <List spacing="xs" aria-label="Rules" listStyleType="none" pl={0}>
            {rules.map((r, i) => {
              const state = MARK[ruleState(rules, i, d.reason)];
              return (
                <List.Item
                  key={r.rule}
                  icon={
                    <ThemeIcon color={state.colour} size={22} radius="xl" aria-hidden="true">
                      {state.sign}
                    </ThemeIcon>
                  }
                >
                  {r.rule}: <strong>{state.words}</strong>
                </List.Item>
              );
            })}
          </List>
          <Text size="sm" c="dimmed">
            {d.webapp
              ? d.webapp.runId
                ? `Judged on the webapp’s live run ${d.webapp.runId}, as the token exchange would judge it now.`
                : 'Judged as the token exchange would judge it now.'
              : 'In a webapp, the exchange also needs: the webapp allows impersonation, its run is live and runs as A, and V may view it. Choose the webapp to check those too.'}
          </Text>
        </Stack>
      ) : null}
    </Page>
  );
}
