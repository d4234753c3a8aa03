/** Integer weights over `n` targets that always add up to exactly 100 (34/33/33 for three). */
export function spreadWeights(n: number): number[] {
  if (n < 1) return [];
  const base = Math.floor(100 / n);
  const rest = 100 - base * n;
  return Array.from({ length: n }, (_, i) => base + (i < rest ? 1 : 0));
}
