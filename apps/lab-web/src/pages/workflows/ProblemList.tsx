import { Button } from 'react-aria-components';
import type { DefinitionProblem } from './definition-problems.ts';
import type { TextPlace } from './json-locate.ts';

export interface ProblemListProps {
  id: string;
  testId: string;
  title: string;
  problems: DefinitionProblem[];
  headingLevel: 2 | 3;
  /** Moves the editor's cursor to a place (absent for a read-only list). */
  onGoTo?: ((place: TextPlace) => void) | undefined;
  note?: string | undefined;
}

/**
 * Problems of a definition, each at its place: its line and column, its JSON path, and what is
 * wrong. Pressing one puts the editor's cursor on its line.
 */
export function ProblemList({ id, testId, title, problems, headingLevel, onGoTo, note }: ProblemListProps) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section className="problems" aria-labelledby={id} data-testid={testId}>
      <Heading id={id}>{title}</Heading>
      <ol>
        {problems.map((problem, index) => {
          const key = `${problem.source}-${problem.path ?? ''}-${problem.message}-${index}`;
          const place = problem.place;
          const content = (
            <>
              {place && (
                <span className="problem-place">
                  Line {place.line}, column {place.column}
                </span>
              )}
              {place && ' · '}
              {problem.path !== undefined ? (
                <>
                  <span className="problem-path">{problem.path || '/'}</span> {problem.message}
                </>
              ) : (
                problem.message
              )}
            </>
          );
          return (
            <li key={key} data-line={place?.line}>
              {place && onGoTo ? (
                <Button className="problem-button" onPress={() => onGoTo(place)}>
                  {content}
                </Button>
              ) : (
                <span className="problem-button">{content}</span>
              )}
            </li>
          );
        })}
      </ol>
      {note && <p className="problems-note">{note}</p>}
    </section>
  );
}
