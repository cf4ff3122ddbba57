import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { useKeysetPages } from './keyset-pages.ts';
import { ErrorNotice, Loading } from './Notice.tsx';
import { Pager } from './Pager.tsx';

/**
 * A keyset-paged table's frame: loading, the API's refusal (a 403 shows its message), an empty
 * message, or the table (`children`) with the pager under it.
 */
export function PagedTable<T>({
  pages,
  empty,
  children,
}: {
  pages: ReturnType<typeof useKeysetPages<T>>;
  empty: string;
  children: (items: T[]) => ReactNode;
}) {
  const { query, items } = pages;
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorNotice error={query.error} />;
  return (
    <>
      {items.length === 0 && pages.pageNumber === 1 ? <p>{empty}</p> : children(items)}
      {(pages.hasNext || pages.hasPrevious) && (
        <Pager
          pageNumber={pages.pageNumber}
          hasNext={pages.hasNext}
          hasPrevious={pages.hasPrevious}
          nextPage={pages.nextPage}
          previousPage={pages.previousPage}
          firstPage={pages.firstPage}
          isFetching={query.isFetching}
        />
      )}
    </>
  );
}

/** A one-shot report's frame (not paged): loading, refusal, or its content. */
export function QueryFrame<T>({
  query,
  children,
}: {
  query: UseQueryResult<T>;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorNotice error={query.error} />;
  return <>{children(query.data)}</>;
}
