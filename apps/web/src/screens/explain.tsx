import { Alert, Button, Group, List, Stack, Text, TextInput, ThemeIcon } from '@mantine/core';
import { REFUSALS } from '@behalf/contracts/codes';
import { useQuery } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { when } from '../ui/format';
import { Page } from '../ui/page';
import { fieldError, ProblemAlert } from '../ui/problem-alert';

type Reason = 'allowed' | 'self' | 'no_grant' | 'grant_expired' | 'subject_disabled' | 'actor_disabled' | 'subject_is_admin';

/**
 * The policy's rules about people, in the order the API checks them, and which refusal means
 * which rule failed. The webapp's own conditions (impersonation allowed, a live run, the viewer
 * may view it) are checked at exchange time and shown in each webapp's settings.
 */
const RULES: { rule: string; fails?: Reason }[] = [
  { rule: 'The actor is active', fails: 'actor_disabled' },
  { rule: 'The viewer is active', fails: 'subject_disabled' },
  { rule: 'The actor and the viewer are different people (acting as oneself needs no grant)' },
  { rule: 'The viewer is no admin, unless the global setting allows impersonating admins and the actor is an admin', fails: 'subject_is_admin' },
  { rule: 'A group of the actor holds an impersonation grant on a group of the viewer', fails: 'no_grant' },
  { rule: 'That grant has not expired', fails: 'grant_expired' },
];

function ruleState(index: number, reason: Reason): 'pass' | 'fail' | 'unchecked' | 'self' {
  if (reason === 'allowed') return 'pass';
  if (reason === 'self') return index < 2 ? 'pass' : 'self';
  const failing = RULES.findIndex((r) => r.fails === reason);
  if (index < failing) return 'pass';
  return index === failing ? 'fail' : 'unchecked';
}

const MARK = {
  pass: { colour: 'green', sign: '✓', words: 'holds' },
  fail: { colour: 'red', sign: '✗', words: 'fails' },
  unchecked: { colour: 'gray', sign: '–', words: 'not reached' },
  self: { colour: 'gray', sign: '–', words: 'not needed: the same person' },
};

export function ExplainScreen() {
  const search = useSearch({ strict: false }) as { actor?: string; subject?: string };
  const navigate = useNavigate();
  const [actor, setActor] = useState(search.actor ?? '');
  const [subject, setSubject] = useState(search.subject ?? '');
  const asked = !!search.actor && !!search.subject;
  const check = useQuery({
    queryKey: ['explain', search.actor, search.subject],
    queryFn: () => unwrap(api.GET('/api/v1/impersonation/check', { params: { query: { actor: search.actor ?? '', subject: search.subject ?? '' } } })),
    enabled: asked,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void navigate({ to: '/explain', search: { actor: actor.trim(), subject: subject.trim() } });
  };
  const d = check.data;
  return (
    <Page title="Explain">
      <Text c="dimmed">May a webapp running as A act on behalf of viewer V, and why? Nothing is issued; the question is audited.</Text>
      <form onSubmit={submit} aria-label="Question">
        <Group align="end" wrap="wrap">
          <TextInput
            label="Actor (A)"
            description="the user the webapp runs as: login or id"
            value={actor}
            onChange={(e) => setActor(e.currentTarget.value)}
            required
            error={fieldError(check.error, 'actor')}
          />
          <TextInput
            label="Viewer (V)"
            description="login or id"
            value={subject}
            onChange={(e) => setSubject(e.currentTarget.value)}
            required
            error={fieldError(check.error, 'subject')}
          />
          <Button type="submit" disabled={!actor.trim() || !subject.trim()}>
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
            title={d.allowed ? `${d.actor.login} may act as ${d.subject.login}` : `${d.actor.login} may not act as ${d.subject.login}`}
            role="status"
          >
            {d.reason === 'self'
              ? 'They are the same person: acting as oneself needs no grant.'
              : d.allowed && d.grant
                ? `Because group ${d.grant.sourceGroup.name} holds a grant on group ${d.grant.targetGroup.name}: “${d.grant.reason}”${d.grant.expiresAt ? `, until ${when(d.grant.expiresAt)}` : ', with no expiry'}.`
                : d.reason in REFUSALS
                  ? REFUSALS[d.reason as keyof typeof REFUSALS].message
                  : d.reason}
          </Alert>
          <List spacing="xs" aria-label="Rules" listStyleType="none" pl={0}>
            {RULES.map((r, i) => {
              const state = MARK[ruleState(i, d.reason)];
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
            In a webapp, the exchange also needs: the webapp allows impersonation, its run is live and runs as A, and V may view it.
          </Text>
        </Stack>
      ) : null}
    </Page>
  );
}
