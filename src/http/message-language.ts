/**
 * Error messages for people follow Accept-Language (issue 12). Messages are written
 * "English / tiếng Việt"; a client that prefers `vi` gets the Vietnamese half, one that
 * prefers `en` the English half; without a preference, or for a one-language message, the
 * message stays as written. Codes never change.
 */
export type MessageLanguage = 'vi' | 'en';

/** The first of vi / en by the header's q-values (ties: the order written); null when neither is asked for. */
export function preferredLanguage(header: string | undefined): MessageLanguage | null {
  if (!header) return null;
  let best: { lang: MessageLanguage; q: number } | null = null;
  for (const part of header.split(',').slice(0, 20)) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const lang = tag.split('-')[0];
    if (lang !== 'vi' && lang !== 'en') continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang ?? null;
}

const SEPARATOR = ' / ';

/** The half of an "English / tiếng Việt" message in `lang`; other messages unchanged. */
export function localizeMessage(message: string, lang: MessageLanguage | null): string {
  const at = message.indexOf(SEPARATOR);
  if (!lang || at <= 0 || at !== message.lastIndexOf(SEPARATOR)) return message;
  return lang === 'en' ? message.slice(0, at) : message.slice(at + SEPARATOR.length);
}
