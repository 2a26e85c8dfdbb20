/**
 * Secrets (API keys, header values; DSN passwords when warehouses get them) taken out of any text before it is
 * printed or stored: a provider may echo the request, headers and all, in its error body.
 */
export type Redactor = (text: string) => string;

export const REDACTED = '***';

/** Shorter values (`1`, `on`) are not secrets, and replacing them would garble every message. */
const MIN_SECRET_LENGTH = 4;

/** A redactor that replaces every occurrence of each secret, as typed and as JSON would escape it. */
export function createRedactor(secrets: Iterable<string | undefined>): Redactor {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of [secret, secret.trim(), JSON.stringify(secret).slice(1, -1), ...secret.split(/[\r\n]+/)]) {
      if (form.trim().length >= MIN_SECRET_LENGTH) forms.add(form.trim());
    }
  }
  if (forms.size === 0) return (text) => text;
  // Longest first, so a secret that contains another is replaced whole.
  const pattern = new RegExp([...forms].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
  return (text) => text.replace(pattern, REDACTED);
}

/** The values a target sends that nobody else may read: its API key and every header value (expanded). */
export function targetSecrets(apiKey: string | undefined, headers: Record<string, string> | undefined): string[] {
  const secrets = [apiKey ?? ''];
  for (const value of Object.values(headers ?? {})) {
    secrets.push(value);
    // `Bearer <token>`: the token alone may be echoed too.
    const token = /^\s*\S+\s+(\S{4,})\s*$/.exec(value)?.[1];
    if (token) secrets.push(token);
  }
  return secrets;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
