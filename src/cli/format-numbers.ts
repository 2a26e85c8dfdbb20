/** 45210 → `45.2k`, 1_200_000 → `1.2M`. */
export function compact(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** Dollars with enough digits to show sub-cent costs. */
export function dollars(n: number): string {
  if (n === 0) return '$0';
  if (n < 0.01) return `$${n.toFixed(4)}`;
  return `$${n.toFixed(2)}`;
}

export function seconds(n: number): string {
  return `${n.toFixed(2)}s`;
}

export function clock(date = new Date()): string {
  return date.toTimeString().slice(0, 8);
}
