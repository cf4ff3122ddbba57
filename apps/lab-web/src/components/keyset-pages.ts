import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';

export interface KeysetPage<T> {
  items: T[];
  next_cursor: string | null;
}

/**
 * A keyset-paged list: one page at a time by the API's opaque cursor, with the cursors already seen
 * kept so "Previous" goes back without offsets (which would cost a scan at 1,000,000 rows). A new
 * filter (a different `key`) starts again at the first page; the shown page stays while the next loads.
 */
export function useKeysetPages<T>(
  key: readonly unknown[],
  fetchPage: (cursor: string | undefined) => Promise<KeysetPage<T>>,
) {
  const [trail, setTrail] = useState<{ key: string; cursors: (string | undefined)[] }>({
    key: '',
    cursors: [undefined],
  });
  const keyText = JSON.stringify(key);
  const cursors = trail.key === keyText ? trail.cursors : [undefined];
  const cursor = cursors[cursors.length - 1];
  const query = useQuery({
    queryKey: [...key, 'page', cursor ?? null],
    queryFn: () => fetchPage(cursor),
    placeholderData: keepPreviousData,
  });
  const next = query.data?.next_cursor ?? null;
  return {
    query,
    items: query.data?.items ?? [],
    pageNumber: cursors.length,
    hasNext: next !== null && !query.isPlaceholderData,
    hasPrevious: cursors.length > 1,
    nextPage: () => next !== null && setTrail({ key: keyText, cursors: [...cursors, next] }),
    previousPage: () => setTrail({ key: keyText, cursors: cursors.slice(0, -1) }),
    firstPage: () => setTrail({ key: keyText, cursors: [undefined] }),
  };
}
