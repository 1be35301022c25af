/** Number formatting and markdown tables for the reports. */
export const fmt = (value: number, digits = 0) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const ratio = (value: number | undefined) => (value !== undefined && Number.isFinite(value) ? `${value.toFixed(2)}x` : 'n/a');
export const kb = (bytes: number) => `${fmt(bytes / 1024, 1)} KB`;
export const mb = (bytes: number) => `${fmt(bytes / 1024 / 1024, 2)} MB`;
export const ms = (value: number | undefined) => (value === undefined ? 'n/a' : fmt(value, 1));
export const percent = (value: number) => `${fmt(100 * value, 0)}%`;

export function table(header: string[], rows: string[][]): string {
  const lines = [header, header.map(() => '---'), ...rows];
  return lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** "v22.23.3" → "22". */
export const major = (version: string) => version.replace(/^v/, '').split('.')[0];
