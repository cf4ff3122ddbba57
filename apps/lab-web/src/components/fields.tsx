import type { ReactNode } from 'react';
import {
  Button as AriaButton,
  Checkbox as AriaCheckbox,
  TextField as AriaTextField,
  type TextFieldProps as AriaTextFieldProps,
  type CheckboxProps,
  FieldError,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Select,
  SelectValue,
  Text,
  TextArea,
} from 'react-aria-components';

export interface TextFieldProps extends Omit<AriaTextFieldProps, 'children'> {
  label: string;
  description?: string | undefined;
  errorMessage?: string | undefined;
  multiline?: boolean;
  rows?: number;
  placeholder?: string;
}

/** A labelled text input (or text area) with its description and error tied to it for readers. */
export function TextField({
  label,
  description,
  errorMessage,
  multiline,
  rows = 4,
  placeholder,
  ...props
}: TextFieldProps) {
  return (
    <AriaTextField {...props} isInvalid={props.isInvalid ?? errorMessage !== undefined} className="field">
      <Label>{label}</Label>
      {multiline ? <TextArea rows={rows} placeholder={placeholder} /> : <Input placeholder={placeholder} />}
      {description && <Text slot="description">{description}</Text>}
      <FieldError>{errorMessage}</FieldError>
    </AriaTextField>
  );
}

export interface Option {
  id: string;
  label: string;
}

export interface SelectFieldProps {
  label: string;
  options: readonly Option[];
  value: string | null;
  onChange: (value: string) => void;
  isRequired?: boolean;
  isDisabled?: boolean;
  placeholder?: string;
  description?: string;
  name?: string;
}

/** A labelled single choice from a list (React Aria's Select: keyboard, typeahead, screen readers). */
export function SelectField({
  label,
  options,
  value,
  onChange,
  placeholder,
  description,
  ...rest
}: SelectFieldProps) {
  return (
    <Select
      {...rest}
      className="field"
      selectedKey={value}
      onSelectionChange={(key) => key !== null && onChange(String(key))}
      placeholder={placeholder ?? 'Choose…'}
    >
      <Label>{label}</Label>
      <AriaButton className="select-button">
        <SelectValue />
        <span aria-hidden="true">▾</span>
      </AriaButton>
      {description && <Text slot="description">{description}</Text>}
      <Popover className="popover">
        <ListBox className="listbox">
          {options.map((option) => (
            <ListBoxItem key={option.id} id={option.id} className="listbox-item" textValue={option.label}>
              {option.label}
            </ListBoxItem>
          ))}
        </ListBox>
      </Popover>
    </Select>
  );
}

/** A labelled checkbox. */
export function Checkbox({ children, ...props }: CheckboxProps & { children: ReactNode }) {
  return (
    <AriaCheckbox {...props} className="checkbox">
      <span className="checkbox-box" aria-hidden="true" />
      {children}
    </AriaCheckbox>
  );
}
