export {
  DEFAULT_OFFICE_HOURS,
  DEADLINE_ENDS,
  DEFAULT_WEEKEND,
  HOLIDAY_KINDS,
  VN_ZONE,
  type CalendarZone,
  type DeadlineEnd,
  type HolidayEntry,
  type HolidayKind,
  type IsoWeekday,
  type OfficeHours,
  type OfficeInterval,
  type WorkingCalendarConfig,
} from './types.js';
export { WorkingCalendar, createWorkingCalendar, type WorkingCalendarOptions } from './working-calendar.js';
export { compileOfficeHours, officeMinutesPerDay } from './office-hours.js';
export { withOverrides, type CalendarOverride } from './overrides.js';
export { parseDuration, formatDuration, resolveDue, type ParsedDuration, type ResolveDueOptions } from './duration.js';
export { parseHolidayYearFile, type HolidayYearFile } from './holiday-data.js';
export {
  DEFAULT_HOLIDAY_DIR,
  createVietnamCalendar,
  loadHolidayEntries,
  loadHolidayYears,
  type VietnamCalendarOptions,
} from './load-holidays.js';
export { calendarDaysDue, finishCalendarDue, workingDaysEndOfDay } from './day-ends.js';
export { CULTURE_DAY_FIRST_YEAR, CULTURE_DAY_SOURCE, PROJECTION_SOURCE, isProjected, projectYear } from './projection.js';
export { VN_LUNAR_TABLE, vnLunarYear, type VnLunarYear } from './vn-lunar-table.js';
export { DAY_MS, MINUTE_MS, VN_OFFSET_MS, dayNumberOf, localDateOf, toVnIso, vnTime } from './time.js';
