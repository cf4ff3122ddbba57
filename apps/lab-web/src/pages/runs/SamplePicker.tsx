import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import {
  Button as AriaButton,
  ComboBox,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Text,
} from 'react-aria-components';
import { api, data } from '../../api/client.ts';
import type { GetReply } from '../../api/types.ts';
import { Button } from '../../components/Button.tsx';
import { ErrorNotice } from '../../components/Notice.tsx';

type Sample = GetReply<'/api/samples'>['items'][number];

/**
 * The samples a run will process: found by the start of their id (GET /api/samples?q=, a prefix
 * search on an index, fine at 1,000,000 samples), added to a list that can be edited.
 */
export function SamplePicker({
  chosen,
  onChange,
}: {
  chosen: string[];
  onChange: (samples: string[]) => void;
}) {
  const [text, setText] = useState('');
  const prefix = text.trim();
  const found = useQuery({
    queryKey: ['sample-search', prefix],
    queryFn: () => data(api.GET('/api/samples', { params: { query: { q: prefix, limit: 10 } } })),
    enabled: prefix.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
  const options = prefix
    ? (found.data?.items ?? []).filter((sample) => !chosen.includes(sample.sample_id))
    : [];
  const add = (sampleId: string) => {
    if (!chosen.includes(sampleId)) onChange([...chosen, sampleId]);
    setText('');
  };
  return (
    <div className="run-samples">
      <ComboBox
        className="field"
        items={options}
        inputValue={text}
        onInputChange={setText}
        selectedKey={null}
        onSelectionChange={(key) => key !== null && add(String(key))}
        menuTrigger="input"
        // Open while searching (results come after the typing), not when the input clears on a choice.
        allowsEmptyCollection={prefix.length > 0}
      >
        <Label>Add a sample</Label>
        <div className="run-combo">
          <Input />
          <AriaButton className="select-button run-combo-button" aria-label="Show matching samples">
            <span aria-hidden="true">▾</span>
          </AriaButton>
        </div>
        <Text slot="description">Type the start of a sample id, then choose it.</Text>
        <Popover className="popover">
          <ListBox<Sample>
            className="listbox"
            renderEmptyState={() => (
              <p className="run-combo-empty">{found.isFetching ? 'Searching…' : 'No match.'}</p>
            )}
          >
            {(sample) => (
              <ListBoxItem id={sample.sample_id} className="listbox-item" textValue={sample.sample_id}>
                {sample.sample_id} · {sample.sample_type} · {sample.status}
              </ListBoxItem>
            )}
          </ListBox>
        </Popover>
      </ComboBox>
      <ErrorNotice error={found.error} />
      {chosen.length === 0 ? (
        <p className="run-samples-none">No samples chosen (a run may have none).</p>
      ) : (
        <ul className="run-samples-list" aria-label="Chosen samples">
          {chosen.map((sampleId) => (
            <li key={sampleId}>
              <span>{sampleId}</span>
              <Button
                variant="quiet"
                aria-label={`Remove ${sampleId}`}
                onPress={() => onChange(chosen.filter((other) => other !== sampleId))}
              >
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
