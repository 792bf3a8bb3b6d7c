import { Button, Modal } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useNavigate } from '@tanstack/react-router';
import type { ReactNode } from 'react';

/**
 * A "New …" button and its dialog: `form` gets the callback to call with the new resource's id,
 * which closes the dialog and opens `pathOf(id)`.
 */
export function CreateDialog({ title, pathOf, form }: { title: string; pathOf: (id: string) => string; form: (created: (id: string) => void) => ReactNode }) {
  const [opened, { open, close }] = useDisclosure(false);
  const navigate = useNavigate();
  const created = (id: string) => {
    close();
    void navigate({ to: pathOf(id) });
  };
  return (
    <>
      <Button onClick={open}>{title}</Button>
      <Modal opened={opened} onClose={close} title={title} closeButtonProps={{ 'aria-label': 'Close' }}>
        {form(created)}
      </Modal>
    </>
  );
}
