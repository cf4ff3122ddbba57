import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import {
  Button as AriaButton,
  ComboBox,
  FieldError,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Text,
} from 'react-aria-components';
import { ErrorNotice } from './Notice.tsx';

export interface PickerOption {
  id: string;
  label: string;
}

/**
 * Chooses one record (an item, a vendor) by typing the start of its code: React Aria's ComboBox
 * (keyboard, screen readers) over the API's code-prefix search, a page of matches at a time.
 */
export function RecordPicker({
  label,
  description,
  isRequired,
  autoFocus,
  queryKey,
  search,
  selected,
  onSelect,
}: {
  label: string;
  description?: string;
  isRequired?: boolean;
  autoFocus?: boolean;
  queryKey: readonly unknown[];
  search: (prefix: string | undefined) => Promise<PickerOption[]>;
  selected: PickerOption | null;
  onSelect: (option: PickerOption | null) => void;
}) {
  const [input, setInput] = useState(selected?.label ?? '');
  const typed = selected && input === selected.label ? '' : input.trim();
  const results = useQuery({
    queryKey: [...queryKey, 'picker', typed],
    queryFn: () => search(typed || undefined),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
  const options = [
    ...(selected ? [selected] : []),
    ...(results.data ?? []).filter((option) => option.id !== selected?.id),
  ];
  return (
    <>
      <ComboBox
        className="field"
        items={options}
        inputValue={input}
        onInputChange={(value) => {
          setInput(value);
          if (!options.some((option) => option.label === value)) onSelect(null);
        }}
        selectedKey={selected?.id ?? null}
        onSelectionChange={(key) => {
          const option = options.find((candidate) => candidate.id === key) ?? null;
          onSelect(option);
          if (option) setInput(option.label);
        }}
        menuTrigger="focus"
        allowsEmptyCollection
        isRequired={isRequired}
        autoFocus={autoFocus}
      >
        <Label>{label}</Label>
        <div className="inv-picker-input">
          <Input />
          <AriaButton className="inv-picker-button">
            <span aria-hidden="true">▾</span>
          </AriaButton>
        </div>
        {description && <Text slot="description">{description}</Text>}
        <FieldError />
        <Popover className="popover">
          <ListBox
            className="listbox"
            renderEmptyState={() => <p className="inv-picker-empty">No matches</p>}
          >
            {(option: PickerOption) => (
              <ListBoxItem id={option.id} className="listbox-item" textValue={option.label}>
                {option.label}
              </ListBoxItem>
            )}
          </ListBox>
        </Popover>
      </ComboBox>
      {results.isError && <ErrorNotice error={results.error} />}
    </>
  );
}
