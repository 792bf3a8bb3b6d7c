import { createTheme, type CSSVariablesResolver } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'indigo',
  // The darker shades: white text on the primary colour passes WCAG AA contrast.
  primaryShade: { light: 7, dark: 8 },
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  defaultRadius: 'sm',
});

/** The colours the console uses for states (badges, alerts). */
const COLOURS = ['indigo', 'blue', 'green', 'red', 'orange', 'gray'] as const;

/**
 * Secondary ("dimmed") text, errors and the light variants readable: Mantine's defaults are below WCAG AA's 4.5:1 contrast.
 */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-placeholder': 'var(--mantine-color-gray-7)',
    '--mantine-color-error': 'var(--mantine-color-red-9)',
    // The light variants (badges, alerts): the palest tint behind the darkest shade; green's and
    // orange's darkest shades are still too light, so they get darker ones.
    ...Object.fromEntries(COLOURS.map((c) => [`--mantine-color-${c}-light`, `var(--mantine-color-${c}-0)`])),
    '--mantine-color-green-light-color': '#1e6b30',
    '--mantine-color-orange-light-color': '#a33a0a',
  },
  dark: {
    '--mantine-color-dimmed': 'var(--mantine-color-dark-1)',
    '--mantine-color-placeholder': 'var(--mantine-color-dark-1)',
    '--mantine-color-error': 'var(--mantine-color-red-4)',
  },
});
