import { Anchor, Container, Text, Title } from '@mantine/core';
import { Link } from '@tanstack/react-router';

export function NotFound() {
  return (
    <Container size="sm" py="xl">
      <Title order={1} size="h2">
        Nothing here
      </Title>
      <Text mt="sm">This page does not exist in the console.</Text>
      <Anchor component={Link} to="/" mt="md" display="inline-block">
        Back to the console
      </Anchor>
    </Container>
  );
}
