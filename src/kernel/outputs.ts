export function displayBundle(d: unknown): Record<string, unknown> { return { data: { 'text/plain': JSON.stringify(d) }, metadata: {} }; }
export function summaryBundle(d: unknown): Record<string, unknown> { return { data: { 'text/plain': JSON.stringify(d) }, metadata: {} }; }
export function progressLine(p: unknown): string { return JSON.stringify(p); }
