import './workflows.css';
import { type UIEvent, useId, useMemo, useRef, useState } from 'react';
import { Label, Radio, RadioGroup, TextArea, TextField } from 'react-aria-components';
import { ErrorNotice, InfoNotice } from '../../components/Notice.tsx';
import type { DefinitionFormat, DefinitionProblem } from './definition-problems.ts';
import { placeOf, type TextPlace } from './json-locate.ts';
import { ProblemList } from './ProblemList.tsx';
import { unsupportedKeywords } from './schema-check.ts';
import { useLiveCheck } from './use-live-check.ts';
import { useDefinitionSchema } from './workflow-api.ts';

export interface DefinitionEditorProps {
  text: string;
  onTextChange: (text: string) => void;
  format: DefinitionFormat;
  onFormatChange: (format: DefinitionFormat) => void;
  /** What the server refused at the last save, each at its path (400 invalid_definition). */
  serverProblems?: DefinitionProblem[] | undefined;
  /** The level of the problem lists' headings under the page's own headings. */
  headingLevel?: 2 | 3;
}

/**
 * The definition editor: a monospace text area (JSON or YAML) with line numbers, checked as it is
 * typed (300 ms after typing pauses) against the published JSON Schema, each problem listed at its
 * line and JSON path; pressing a problem puts the cursor on its line. The server's own refusal at
 * the last save is listed the same way.
 */
export function DefinitionEditor({
  text,
  onTextChange,
  format,
  onFormatChange,
  serverProblems,
  headingLevel = 2,
}: DefinitionEditorProps) {
  const schema = useDefinitionSchema();
  const live = useLiveCheck(text, format, schema.data);
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const [cursor, setCursor] = useState<TextPlace>({ line: 1, column: 1, offset: 0 });
  const ids = useId();
  const unsupported = useMemo(() => (schema.data ? unsupportedKeywords(schema.data) : []), [schema.data]);

  const lineCount = useMemo(() => {
    let lines = 1;
    for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) === 10) lines++;
    return lines;
  }, [text]);
  // An empty editor is not yet a problem: it says what to do instead.
  const isEmpty = text.trim() === '';
  const liveProblems = isEmpty ? [] : (live.check?.problems ?? []);
  const marked = useMemo(
    () =>
      new Set(
        [...liveProblems, ...(serverProblems ?? [])].flatMap((problem) =>
          problem.place ? [problem.place.line] : [],
        ),
      ),
    [liveProblems, serverProblems],
  );

  const syncGutter = (event: UIEvent<HTMLTextAreaElement>) => {
    if (gutter.current) gutter.current.scrollTop = event.currentTarget.scrollTop;
  };
  const trackCursor = () => {
    const textarea = area.current;
    if (textarea) setCursor(placeOf(textarea.value, textarea.selectionStart));
  };
  const goTo = (place: TextPlace) => {
    const textarea = area.current;
    if (!textarea) return;
    textarea.focus();
    textarea.setSelectionRange(place.offset, place.offset);
    const lineHeight = Number.parseFloat(getComputedStyle(textarea).lineHeight) || 20;
    textarea.scrollTop = Math.max(0, (place.line - 4) * lineHeight);
    if (gutter.current) gutter.current.scrollTop = textarea.scrollTop;
    setCursor(placeOf(textarea.value, place.offset));
  };

  const liveStatus = isEmpty
    ? 'Type or paste a definition; it is checked as you type.'
    : format === 'yaml'
      ? 'YAML is checked by the server when you save.'
      : live.pending
        ? 'Checking…'
        : liveProblems.length === 0
          ? 'No problems found by the live check.'
          : `${liveProblems.length} problem${liveProblems.length === 1 ? '' : 's'} found by the live check.`;

  return (
    <div className="definition-editor">
      <div className="editor-toolbar">
        <RadioGroup
          className="radio-group"
          value={format}
          onChange={(value) => onFormatChange(value === 'yaml' ? 'yaml' : 'json')}
          orientation="horizontal"
        >
          <Label className="radio-group-label">Format</Label>
          <div className="radio-options">
            <Radio value="json" className="radio">
              <span className="radio-dot" aria-hidden="true" />
              JSON (checked as you type)
            </Radio>
            <Radio value="yaml" className="radio">
              <span className="radio-dot" aria-hidden="true" />
              YAML (checked when saved)
            </Radio>
          </div>
        </RadioGroup>
      </div>
      {format === 'yaml' && (
        <InfoNotice>
          YAML is read and checked by the server when you save: the live check works on JSON only (the web
          page carries no YAML reader). Problems the server finds are listed below with their paths.
        </InfoNotice>
      )}
      {schema.isError && <ErrorNotice error={schema.error} />}
      {unsupported.length > 0 && (
        <InfoNotice tone="warning">
          The published schema uses {unsupported.join(', ')}, which the live check does not read: the server
          checks those when you save.
        </InfoNotice>
      )}
      <TextField
        className="definition-editor-field"
        value={text}
        onChange={onTextChange}
        aria-describedby={`${ids}-status`}
      >
        <Label className="definition-editor-label">Definition</Label>
        <div className="definition-editor-frame" data-invalid={marked.size > 0 || undefined}>
          <div className="definition-gutter" ref={gutter} aria-hidden="true">
            {Array.from({ length: lineCount }, (_, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a line number is its own identity
              <div key={index} className={marked.has(index + 1) ? 'has-problem' : undefined}>
                {index + 1}
              </div>
            ))}
          </div>
          <TextArea
            ref={area}
            className="definition-text"
            rows={24}
            wrap="off"
            spellCheck={false}
            autoCapitalize="off"
            autoCorrect="off"
            onScroll={syncGutter}
            onSelect={trackCursor}
            onKeyUp={trackCursor}
            onClick={trackCursor}
          />
        </div>
      </TextField>
      <div className="editor-status">
        <span id={`${ids}-status`} role="status">
          {liveStatus}
        </span>
        <span>
          Line {cursor.line}, column {cursor.column}
        </span>
      </div>
      {liveProblems.length > 0 && (
        <ProblemList
          id={`${ids}-live-problems`}
          testId="live-problems"
          title={`Problems (${liveProblems.length})`}
          problems={liveProblems}
          headingLevel={headingLevel}
          onGoTo={goTo}
          note="The live check reads the shape of the definition; the server also checks roles, actions, argument ranges and expressions when you save."
        />
      )}
      {serverProblems && serverProblems.length > 0 && (
        <ProblemList
          id={`${ids}-server-problems`}
          testId="server-problems"
          title={`The server refused the last save (${serverProblems.length} problem${serverProblems.length === 1 ? '' : 's'})`}
          problems={serverProblems}
          headingLevel={headingLevel}
          onGoTo={format === 'json' ? goTo : undefined}
          note="As found when you last saved; save again to check the text as it is now."
        />
      )}
    </div>
  );
}
