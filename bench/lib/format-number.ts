// Number formatting for the report's tables: few significant digits, compact thousands and millions.

// 1234567 -> "1.23M", 45000 -> "45k", 123.456 -> "123", 12.345 -> "12.3", 1.2345 -> "1.23", 0.012345 -> "0.0123".
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? '–' : value > 0 ? '∞' : '-∞';
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${trim((value / 1e9).toFixed(abs >= 1e11 ? 0 : abs >= 1e10 ? 1 : 2))}G`;
  if (abs >= 1e6) return `${trim((value / 1e6).toFixed(abs >= 1e8 ? 0 : abs >= 1e7 ? 1 : 2))}M`;
  if (abs >= 1e4) return `${trim((value / 1e3).toFixed(abs >= 1e5 ? 0 : 1))}k`;
  if (abs >= 100 || Number.isInteger(value)) return String(Math.round(value));
  if (abs >= 10) return trim(value.toFixed(1));
  if (abs >= 1) return trim(value.toFixed(2));
  if (abs === 0) return '0';
  return trim(value.toPrecision(3).includes('e') ? value.toExponential(2) : value.toPrecision(3));
}

function trim(text: string): string {
  return text.includes('.') && !text.includes('e') ? text.replace(/\.?0+$/, '') : text;
}
