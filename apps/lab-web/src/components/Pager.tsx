import { Button } from './Button.tsx';

export interface PagerProps {
  pageNumber: number;
  hasNext: boolean;
  hasPrevious: boolean;
  nextPage: () => void;
  previousPage: () => void;
  firstPage: () => void;
  isFetching?: boolean;
}

/** Keyset page controls: first, previous, next (no page count: that would be a count at 1M rows). */
export function Pager({
  pageNumber,
  hasNext,
  hasPrevious,
  nextPage,
  previousPage,
  firstPage,
  isFetching,
}: PagerProps) {
  return (
    <nav className="pager" aria-label="Pages">
      <Button variant="quiet" onPress={firstPage} isDisabled={!hasPrevious}>
        First
      </Button>
      <Button variant="secondary" onPress={previousPage} isDisabled={!hasPrevious}>
        Previous
      </Button>
      <span aria-live="polite">
        Page {pageNumber}
        {isFetching ? ' (loading…)' : ''}
      </span>
      <Button variant="secondary" onPress={nextPage} isDisabled={!hasNext}>
        Next
      </Button>
    </nav>
  );
}
