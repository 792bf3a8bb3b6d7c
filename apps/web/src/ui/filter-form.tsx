import { Button, Group } from '@mantine/core';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { type FormEvent, useEffect, useState } from 'react';
import type { ScreenPath } from '../app/paths';
import { type Paging, usePaging } from './pager';

type FilterValues = Record<string, string | undefined>;

/**
 * A list's filters, kept in the address (so a filtered list can be linked, reloaded and gone back
 * to): `filters` are those applied (the route's validated query string), `form` what is typed or
 * chosen (blank, after trimming, means no filter). Submitting the form applies it; `clear` drops
 * every filter. The list goes back to its first page whenever the filters change, and the form
 * follows the address when it changes otherwise (back, forward, a link).
 */
export function useUrlFilters<F extends FilterValues>(
  to: ScreenPath,
): {
  filters: F;
  form: F;
  set: (key: keyof F) => (value: string | null) => void;
  submit: (event: FormEvent) => void;
  clear: () => void;
  filtered: boolean;
  paging: Paging;
} {
  const search: object = useSearch({ strict: false });
  const filters = search as F;
  const navigate = useNavigate();
  const [form, setForm] = useState<F>(filters);
  const paging = usePaging();
  const { reset } = paging;
  const key = JSON.stringify(filters);
  useEffect(() => {
    setForm(JSON.parse(key) as F);
    reset();
  }, [key, reset]);
  const set = (name: keyof F) => (value: string | null) => setForm((f) => ({ ...f, [name]: value?.trim() || undefined }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void navigate({ to, search: form as never });
  };
  const clear = () => {
    setForm({} as F);
    void navigate({ to, search: {} as never });
  };
  return { filters, form, set, submit, clear, filtered: Object.values(filters).some((v) => v !== undefined), paging };
}

/**
 * A filter form's buttons: apply what is typed (the form's submit), or drop every filter. They
 * wrap as one, so Clear never lands alone on a row of its own.
 */
export function FilterButtons({ clear }: { clear: () => void }) {
  return (
    <Group gap="sm" wrap="nowrap">
      <Button type="submit">Filter</Button>
      <Button variant="default" onClick={clear}>
        Clear
      </Button>
    </Group>
  );
}
