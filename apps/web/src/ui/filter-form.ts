import { type FormEvent, useState } from 'react';

/**
 * A list's filter form: what is typed or chosen (`form`, blank means no filter), applied by
 * `apply` when the form is submitted.
 */
export function useFilterForm<F extends Record<string, string | undefined>>(initial: F, apply: (filters: F) => void) {
  const [form, setForm] = useState<F>(initial);
  const set = (key: keyof F) => (value: string | null) => setForm((f) => ({ ...f, [key]: value?.trim() || undefined }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    apply(form);
  };
  return { form, setForm, set, submit };
}
