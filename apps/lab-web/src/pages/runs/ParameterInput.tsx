import { FieldError, Input, Label, NumberField, Text } from 'react-aria-components';
import { Checkbox, SelectField, TextField } from '../../components/fields.tsx';
import type { ParameterSpec } from './definition.ts';

/** The value a parameter starts with: its default, or nothing (a number field left empty). */
export function initialValue(spec: ParameterSpec): unknown {
  if (spec.default !== undefined) return spec.default;
  if (spec.type === 'boolean') return false;
  if (spec.type === 'enum') return spec.values?.[0];
  return undefined;
}

function describe(spec: ParameterSpec): string | undefined {
  const parts: string[] = [];
  if (spec.description) parts.push(spec.description);
  const unit = spec.unit ? ` ${spec.unit}` : '';
  if (spec.minimum !== undefined && spec.maximum !== undefined)
    parts.push(`from ${spec.minimum} to ${spec.maximum}${unit}`);
  else if (spec.minimum !== undefined) parts.push(`at least ${spec.minimum}${unit}`);
  else if (spec.maximum !== undefined) parts.push(`at most ${spec.maximum}${unit}`);
  if (spec.default !== undefined) parts.push(`default ${String(spec.default)}`);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** One workflow parameter as the input its type calls for, with the definition's bounds and default. */
export function ParameterInput({
  spec,
  value,
  onChange,
  error,
}: {
  spec: ParameterSpec;
  value: unknown;
  onChange: (value: unknown) => void;
  error?: string | undefined;
}) {
  const label = spec.unit ? `${spec.name} (${spec.unit})` : spec.name;
  const description = describe(spec);
  if (spec.type === 'number' || spec.type === 'integer') {
    return (
      <NumberField
        className="field"
        value={typeof value === 'number' ? value : Number.NaN}
        onChange={(next) => onChange(Number.isNaN(next) ? undefined : next)}
        minValue={spec.minimum}
        maxValue={spec.maximum}
        isInvalid={error !== undefined}
        formatOptions={{ useGrouping: false, maximumFractionDigits: spec.type === 'integer' ? 0 : 10 }}
        isRequired={spec.default === undefined}
      >
        <Label>{label}</Label>
        <Input />
        {description && <Text slot="description">{description}</Text>}
        <FieldError>{error}</FieldError>
      </NumberField>
    );
  }
  if (spec.type === 'boolean') {
    return (
      <div className="field">
        <Checkbox isSelected={value === true} onChange={onChange}>
          {label}
        </Checkbox>
        {description && <span className="field-description">{description}</span>}
        {error && <span className="field-error">{error}</span>}
      </div>
    );
  }
  if (spec.type === 'enum') {
    return (
      <SelectField
        label={label}
        options={(spec.values ?? []).map((id) => ({ id, label: id }))}
        value={typeof value === 'string' ? value : null}
        onChange={onChange}
        isRequired
        {...(description ? { description } : {})}
      />
    );
  }
  return (
    <TextField
      label={label}
      value={typeof value === 'string' ? value : ''}
      onChange={onChange}
      description={description}
      errorMessage={error}
      isRequired={spec.default === undefined}
    />
  );
}
