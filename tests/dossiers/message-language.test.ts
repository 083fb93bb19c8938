/** Accept-Language for people's messages (src/http/message-language.ts): which half of "English / tiếng Việt". */
import { describe, expect, it } from 'vitest';
import { localizeMessage, preferredLanguage } from '../../src/http/message-language.js';

describe('message language', () => {
  it('reads the preference by q-value, ignoring other languages and q=0', () => {
    expect(preferredLanguage(undefined)).toBeNull();
    expect(preferredLanguage('fr-FR,de;q=0.5')).toBeNull();
    expect(preferredLanguage('vi')).toBe('vi');
    expect(preferredLanguage('fr,en-US;q=0.7,vi;q=0.9')).toBe('vi');
    expect(preferredLanguage('en;q=0.9,vi;q=0.9')).toBe('en'); // a tie: the order written
    expect(preferredLanguage('vi;q=0,en;q=0.1')).toBe('en');
    expect(preferredLanguage('*')).toBeNull();
  });

  it('takes one half of a two-language message, leaves others as written', () => {
    const m = 'the dossier is late / hồ sơ quá hạn';
    expect(localizeMessage(m, 'en')).toBe('the dossier is late');
    expect(localizeMessage(m, 'vi')).toBe('hồ sơ quá hạn');
    expect(localizeMessage(m, null)).toBe(m);
    expect(localizeMessage('no route GET /v1/x', 'vi')).toBe('no route GET /v1/x');
    expect(localizeMessage('a / b / c', 'vi')).toBe('a / b / c');
  });
});
