/** The paging fields every admin list answers with. */
export function pageOf(total: number, page: number, limit: number): { total: number; page: number; limit: number; total_pages: number } {
  return { total, page, limit, total_pages: Math.ceil(total / limit) };
}
