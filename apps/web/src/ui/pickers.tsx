import { MultiSelect, Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import { unwrap } from '../api/problem';

/** Groups by name, for pickers: the first 200 (the API's largest page). */
export function useGroupOptions() {
  return useQuery({
    queryKey: ['groups', 'options'],
    queryFn: () => unwrap(api.GET('/api/v1/groups', { params: { query: { limit: 200 } } })),
    select: (page) => page.items.map((g) => ({ value: g.id, label: g.name })),
  });
}

/** Webapps by name, for pickers: the first 200 the caller may see (the API's largest page). */
export function useWebappOptions() {
  return useQuery({
    queryKey: ['webapps', 'options'],
    queryFn: () => unwrap(api.GET('/api/v1/webapps', { params: { query: { limit: 200 } } })),
    select: (page) => page.items.map((w) => ({ value: w.id, label: w.name })),
  });
}

/** Users matching what is typed (login, display name or email prefix), plus the logins of `ids`. */
function useUserOptions(search: string, ids: readonly string[]) {
  const [debounced] = useDebouncedValue(search, 200);
  const found = useQuery({
    queryKey: ['users', 'options', debounced],
    queryFn: () => unwrap(api.GET('/api/v1/users', { params: { query: { q: debounced || undefined, limit: 20 } } })),
  });
  const chosen = useQueries({
    queries: ids.map((id) => ({
      queryKey: ['users', id],
      queryFn: () => unwrap(api.GET('/api/v1/users/{id}', { params: { path: { id } } })),
      staleTime: 60_000,
    })),
  });
  const options = new Map<string, string>();
  for (const user of chosen) if (user.data) options.set(user.data.id, user.data.login);
  for (const user of found.data?.items ?? []) options.set(user.id, user.login);
  return [...options].map(([value, label]) => ({ value, label }));
}

interface PickerProps {
  label: string;
  description?: string;
  error?: string;
  placeholder?: string;
}

/** The props of a picker of one item (its id, or null for none). */
type OnePickerProps = PickerProps & { value: string | null; onChange: (id: string | null) => void };

/** One of `options`, searched by label: what the group and webapp pickers share. */
function OptionPicker({
  options,
  nothingFound,
  ...props
}: OnePickerProps & { options: { value: string; label: string }[]; nothingFound: string; clearable?: boolean }) {
  return <Select {...props} searchable data={options} nothingFoundMessage={nothingFound} />;
}

/** One user, searched by login, display name or email (admins). */
export function UserPicker({ value, onChange, clearable, ...props }: OnePickerProps & { clearable?: boolean }) {
  const [search, setSearch] = useState('');
  const data = useUserOptions(search, value ? [value] : []);
  return (
    <Select
      {...props}
      searchable
      clearable={clearable}
      data={data}
      value={value}
      onChange={onChange}
      searchValue={search}
      onSearchChange={setSearch}
      nothingFoundMessage="No user matches"
      placeholder={props.placeholder ?? 'Type a login'}
    />
  );
}

/** Several users. */
export function UsersPicker({ value, onChange, ...props }: PickerProps & { value: string[]; onChange: (ids: string[]) => void }) {
  const [search, setSearch] = useState('');
  const data = useUserOptions(search, value);
  return (
    <MultiSelect
      {...props}
      searchable
      data={data}
      value={value}
      onChange={onChange}
      searchValue={search}
      onSearchChange={setSearch}
      nothingFoundMessage="No user matches"
      placeholder={props.placeholder ?? 'Type a login'}
    />
  );
}

/** One group. */
export function GroupPicker({ exclude, ...props }: OnePickerProps & { exclude?: string }) {
  const { data = [] } = useGroupOptions();
  return (
    <OptionPicker
      {...props}
      options={data.filter((g) => g.value !== exclude)}
      nothingFound="No group matches"
      placeholder={props.placeholder ?? 'Choose a group'}
    />
  );
}

/** Several groups. */
export function GroupsPicker({ value, onChange, ...props }: PickerProps & { value: string[]; onChange: (ids: string[]) => void }) {
  const { data = [] } = useGroupOptions();
  return (
    <MultiSelect
      {...props}
      searchable
      data={data}
      value={value}
      onChange={onChange}
      nothingFoundMessage="No group matches"
      placeholder={props.placeholder ?? 'Choose groups'}
    />
  );
}

/** One webapp, by name; clearable, since every screen that picks one treats none as "any". */
export function WebappPicker(props: OnePickerProps) {
  const { data = [] } = useWebappOptions();
  return <OptionPicker {...props} clearable options={data} nothingFound="No webapp matches" placeholder={props.placeholder ?? 'any'} />;
}
