import { Badge, Text } from '@mantine/core';

const COLOURS: Record<string, string> = { allowed: 'green', succeeded: 'green', denied: 'red', failed: 'orange' };

/** An audit record's outcome, with its reason below when the reason says more. */
export function Outcome({ outcome, reason }: { outcome: string; reason: string | null }) {
  return (
    <>
      {/* Never cut short ("ALLOW…") by a narrow table column. */}
      <Badge color={COLOURS[outcome]} variant="light" miw="max-content">
        {outcome}
      </Badge>
      {reason && reason !== outcome ? (
        <Text size="xs" c="dimmed">
          {reason}
        </Text>
      ) : null}
    </>
  );
}
