/** Query and response schemas of a cursor-paged listing (src/cases/paging.ts, docs/api.md "Paging"). */
import { TOTAL_CAP } from '../cases/paging.js';

export const cursorPaging = {
  limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
  cursor: {
    type: 'string',
    minLength: 1,
    maxLength: 1000,
    description: "the previous page's nextCursor, with the same filters; another filter or another key's units: 400 INVALID_CURSOR",
  },
  total: { type: 'boolean', default: false, description: `also count the matching items, up to ${TOTAL_CAP} (totalCapped says the count stopped there)` },
} as const;

export const cursorPageOf = (items: object) => ({
  type: 'object',
  required: ['items', 'limit', 'nextCursor'],
  properties: {
    items: { type: 'array', items },
    limit: { type: 'integer' },
    nextCursor: { type: ['string', 'null'], description: 'the cursor of the next page; null on the last page' },
    total: { type: 'integer', description: 'only with ?total=true' },
    totalCapped: { type: 'boolean', description: `true when total stopped at ${TOTAL_CAP}` },
  },
});
