import { useEffect, useState } from 'react';
import { checkDefinitionText, type DefinitionFormat, type LiveCheck } from './definition-problems.ts';

/** How long typing must pause before the text is checked again. */
export const liveCheckDelayMs = 300;

/**
 * The live check of the text being edited, run once typing pauses for 300 ms (JSON only: YAML is
 * read by the server when saving, since no YAML parser ships with the UI).
 */
export function useLiveCheck(text: string, format: DefinitionFormat, schema: unknown) {
  const [result, setResult] = useState<{ text: string; schema: unknown; check: LiveCheck } | null>(null);
  useEffect(() => {
    if (format !== 'json') return;
    const timer = setTimeout(
      () => setResult({ text, schema, check: checkDefinitionText(text, schema) }),
      liveCheckDelayMs,
    );
    return () => clearTimeout(timer);
  }, [text, format, schema]);
  const current = format === 'json' ? result : null;
  return {
    check: current?.check,
    /** Typing has not paused yet: the shown problems are of a slightly older text. */
    pending: format === 'json' && (current?.text !== text || current?.schema !== schema),
  };
}
