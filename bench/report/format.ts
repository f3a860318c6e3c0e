// How the report writes a rate: whole returns per second from 10 up, one decimal below.
export function formatRate(value: number): string {
  const text = value >= 10 || Number.isInteger(value) ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);
  return `${text}/s`;
}
