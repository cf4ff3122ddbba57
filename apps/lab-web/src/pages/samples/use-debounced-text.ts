import { useEffect, useRef, useState } from 'react';

/**
 * A text input whose value is committed (to the address) a moment after typing stops, so a list
 * is asked once per pause rather than once per key. The committed value wins when it changes from
 * elsewhere (a "Clear filters", the back button) while nothing is pending.
 */
export function useDebouncedText(
  committed: string | undefined,
  commit: (value: string | undefined) => void,
  delay = 300,
): [string, (value: string) => void] {
  const [text, setText] = useState(committed ?? '');
  const pending = useRef(false);
  const commitRef = useRef(commit);
  commitRef.current = commit;
  useEffect(() => {
    if (!pending.current) setText(committed ?? '');
  }, [committed]);
  useEffect(() => {
    if (!pending.current) return;
    const timer = setTimeout(() => {
      pending.current = false;
      commitRef.current(text.trim() === '' ? undefined : text.trim());
    }, delay);
    return () => clearTimeout(timer);
  }, [text, delay]);
  return [
    text,
    (value: string) => {
      pending.current = true;
      setText(value);
    },
  ];
}
