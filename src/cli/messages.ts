/** The CLI's own texts in Vietnamese and English; the service's messages are bilingual already. */
export type Lang = 'vi' | 'en';

const texts = {
  published: { en: 'published', vi: 'đã công bố' },
  unchanged: { en: 'unchanged (same model already published)', vi: 'không đổi (sơ đồ này đã được công bố)' },
  refused: { en: 'refused', vi: 'bị từ chối' },
  valid: { en: 'valid', vi: 'hợp lệ' },
  invalid: { en: 'invalid', vi: 'không hợp lệ' },
  problems: { en: 'problem(s)', vi: 'lỗi' },
  summary: { en: 'files: {n}, accepted: {ok}, refused: {bad}', vi: 'số tệp: {n}, hợp lệ: {ok}, bị từ chối: {bad}' },
  noFiles: { en: 'no .bpmn file found in', vi: 'không tìm thấy tệp .bpmn trong' },
  noUrl: { en: 'the service address is missing: set TTHC_URL or pass --url', vi: 'thiếu địa chỉ dịch vụ: đặt TTHC_URL hoặc dùng --url' },
  noKey: { en: 'the API key is missing: set TTHC_API_KEY or pass --api-key', vi: 'thiếu khóa API: đặt TTHC_API_KEY hoặc dùng --api-key' },
  unreachable: { en: 'cannot reach the service at', vi: 'không kết nối được dịch vụ tại' },
  empty: { en: '(none)', vi: '(không có)' },
  total: { en: 'total', vi: 'tổng' },
  nextPage: { en: 'next page: --cursor {cursor}', vi: 'trang sau: --cursor {cursor}' },
  completed: { en: 'completed', vi: 'đã hoàn thành' },
  started: { en: 'case started', vi: 'đã khởi tạo hồ sơ xử lý' },
  received: { en: 'dossier received', vi: 'đã tiếp nhận hồ sơ' },
  badJson: { en: 'is not valid JSON', vi: 'không phải JSON hợp lệ' },
} as const;

export type TextKey = keyof typeof texts;

export function t(lang: Lang, key: TextKey, vars: Record<string, string | number> = {}): string {
  return texts[key][lang].replace(/\{(\w+)\}/g, (_m, name: string) => String(vars[name] ?? ''));
}

/** TTHC_LANG, else the locale (LANG=vi_VN…), else English. */
export function defaultLang(env: NodeJS.ProcessEnv): Lang {
  const wanted = (env.TTHC_LANG ?? env.LC_ALL ?? env.LANG ?? '').toLowerCase();
  return wanted.startsWith('vi') ? 'vi' : 'en';
}
