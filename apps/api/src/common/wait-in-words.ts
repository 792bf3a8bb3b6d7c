/**
 * How long to wait, in words a person reads at a glance: seconds under a minute, else whole
 * minutes under two hours, else whole hours; always rounded up, so the wait said is never short.
 */
export function waitInWords(seconds: number): string {
  const unit = (count: number, name: string) => `${count} ${name}${count === 1 ? '' : 's'}`;
  const whole = Math.max(1, Math.ceil(seconds));
  if (whole < 60) return unit(whole, 'second');
  if (whole < 2 * 3600) return unit(Math.ceil(whole / 60), 'minute');
  return unit(Math.ceil(whole / 3600), 'hour');
}
