/** Console texts: Vietnamese by default, English on request (kept in localStorage). */
const TEXTS = {
  vi: {
    title: 'Giám sát giải quyết hồ sơ', lang: 'English', signIn: 'Đăng nhập', signOut: 'Đăng xuất', apiKey: 'Khóa API',
    badKey: 'Khóa API không hợp lệ', received: 'Tiếp nhận', inProgress: 'Đang giải quyết', paused: 'Tạm dừng',
    finished: 'Đã giải quyết', finishedEarly: 'Trước hạn', finishedOnTime: 'Đúng hạn', finishedLate: 'Trễ hạn',
    overdueNow: 'Đang quá hạn', dueSoon: 'Sắp đến hạn', onTimeRate: 'Tỷ lệ đúng hạn', updated: 'Cập nhật lúc',
    unavailable: 'Chưa có số liệu',
    overview: 'Tổng quan', dossier: 'Hồ sơ', status: 'Trạng thái', procedure: 'Thủ tục', unit: 'Đơn vị', receivedAt: 'Ngày tiếp nhận',
    dueAt: 'Hạn', finishedAt: 'Ngày hoàn thành', currentStep: 'Bước hiện tại', trackingSheet: 'Phiếu kiểm soát quá trình',
    history: 'Lịch sử', at: 'Thời điểm', step: 'Bước', result: 'Kết quả', event: 'Sự kiện', by: 'Người thực hiện',
    findDossier: 'Tra hồ sơ theo mã', find: 'Tìm', notFound: 'Không tìm thấy hồ sơ', open: 'Đang mở',
    overdueList: 'Hồ sơ quá hạn', dueSoonList: 'Hồ sơ sắp đến hạn', escalationList: 'Cảnh báo nhắc hạn và quá hạn', dossierCode: 'Mã hồ sơ',
    assignee: 'Cán bộ / nhóm xử lý', hoursLate: 'Quá hạn (giờ làm việc)', hoursLeft: 'Còn lại (giờ làm việc)', hoursUnit: 'giờ làm việc',
    kind: 'Loại', raisedAt: 'Thời điểm cảnh báo', reminder: 'Nhắc hạn', breach: 'Quá hạn', downloadCsv: 'Tải tệp CSV',
    noRows: 'Không có hồ sơ nào', shownOf: 'Đang hiển thị',
    trend: 'Xu hướng tiếp nhận và giải quyết', period: 'Kỳ', figures: 'Bảng số liệu', day: 'Theo ngày', week: 'Theo tuần', month: 'Theo tháng',
    attribution: 'Bước làm chậm hồ sơ trễ hạn', attributionHint: 'Hồ sơ hoàn thành trễ hạn: bước và đơn vị vượt thời hạn bước',
    thisMonth: 'Tháng này', twelveMonths: '12 tháng qua', noLateSteps: 'Không có bước nào vượt thời hạn', timesOver: 'Số lượt vượt thời hạn',
    hoursOver: 'Số giờ làm việc vượt', count: 'Số lượt xử lý', medianHours: 'Trung vị (giờ làm việc)', p90Hours: 'P90 (giờ làm việc)',
    lateShare: 'Tỷ lệ trễ', stepStats: 'Thống kê theo bước', noSteps: 'Chưa có bước nào hoàn thành',
    byUnit: 'Theo đơn vị (tháng này)', byProcedure: 'Theo thủ tục (tháng này)',
  },
  en: {
    title: 'Dossier processing monitor', lang: 'Tiếng Việt', signIn: 'Sign in', signOut: 'Sign out', apiKey: 'API key',
    badKey: 'The API key is not valid', received: 'Received', inProgress: 'In progress', paused: 'Paused',
    finished: 'Finished', finishedEarly: 'Early', finishedOnTime: 'On time', finishedLate: 'Late',
    overdueNow: 'Overdue now', dueSoon: 'Due soon', onTimeRate: 'On-time rate', updated: 'Updated at',
    unavailable: 'No figures yet',
    overview: 'Overview', dossier: 'Dossier', status: 'Status', procedure: 'Procedure', unit: 'Unit', receivedAt: 'Received at',
    dueAt: 'Due', finishedAt: 'Finished at', currentStep: 'Current step', trackingSheet: 'Tracking sheet',
    history: 'History', at: 'At', step: 'Step', result: 'Result', event: 'Event', by: 'By',
    findDossier: 'Find a dossier by code', find: 'Find', notFound: 'No such dossier', open: 'Open',
    overdueList: 'Overdue dossiers', dueSoonList: 'Dossiers due soon', escalationList: 'Reminders and breaches', dossierCode: 'Dossier code',
    assignee: 'Assignee / group', hoursLate: 'Late (working hours)', hoursLeft: 'Left (working hours)', hoursUnit: 'working hours',
    kind: 'Kind', raisedAt: 'Raised at', reminder: 'Reminder', breach: 'Breach', downloadCsv: 'Download CSV',
    noRows: 'No dossiers', shownOf: 'Showing',
    trend: 'Received and finished over time', period: 'Period', figures: 'Figures', day: 'By day', week: 'By week', month: 'By month',
    attribution: 'Steps that made dossiers late', attributionHint: 'Dossiers finished late: the steps and units over their step quota',
    thisMonth: 'This month', twelveMonths: 'Last 12 months', noLateSteps: 'No step over its quota', timesOver: 'Times over quota',
    hoursOver: 'Working hours over', count: 'Count', medianHours: 'Median (working hours)', p90Hours: 'P90 (working hours)',
    lateShare: 'Late share', stepStats: 'Statistics per step', noSteps: 'No step finished yet',
    byUnit: 'By unit (this month)', byProcedure: 'By procedure (this month)',
  },
} as const;

export type Lang = keyof typeof TEXTS;
export type TextKey = keyof (typeof TEXTS)['vi'];

export function currentLang(): Lang {
  return localStorage.getItem('console.lang') === 'en' ? 'en' : 'vi';
}
export function setLang(lang: Lang): void {
  localStorage.setItem('console.lang', lang);
}
export const t = (key: TextKey): string => TEXTS[currentLang()][key];

/** Dates and times as officials read them: Asia/Ho_Chi_Minh. */
export function formatInstant(iso: string | Date): string {
  return new Intl.DateTimeFormat(currentLang() === 'vi' ? 'vi-VN' : 'en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'short', timeStyle: 'medium',
  }).format(new Date(iso));
}
