import { PageQuery, pageOf } from '@ours/platform/http';
import { Type } from 'typebox';
import { BusinessId, Reason } from '../samples/index.ts';
import { FreeObject, Nullable, Text, Uuid } from '../shared/schema.ts';

const CalibrationState = Type.Union(
  [Type.Literal('valid'), Type.Literal('overdue'), Type.Literal('failed'), Type.Literal('never_calibrated')],
  { description: 'valid: the last calibration passed and is not yet due; overdue: its due time is past' },
);
const HealthScore = Type.Number({ minimum: 0, maximum: 1, description: '0 (failing) to 1 (perfect)' });
const IntervalDays = Type.Integer({
  minimum: 1,
  maximum: 3650,
  description: 'Days a calibration stays valid',
});

export const Device = Type.Object({
  id: Uuid,
  lab_id: Uuid,
  device_id: Type.String({ description: 'Business id, unique within the lab' }),
  name: Type.String(),
  vendor: Type.String(),
  model: Type.String(),
  serial_number: Type.String(),
  device_type: Type.String(),
  hub_id: Nullable(Uuid),
  calibration_interval_days: Type.Integer(),
  in_service: Type.Boolean(),
  health_score: Nullable(Type.Number()),
  driver: Nullable(
    Type.String({ description: 'the driver that speaks to it (GET /api/instruments/drivers)' }),
  ),
  driver_settings: Type.Record(Type.String(), Type.Unknown()),
  last_calibration_id: Nullable(Uuid),
  last_calibrated_at: Nullable(Type.String()),
  last_calibration_result: Nullable(Type.String()),
  next_calibration_due: Nullable(Type.String()),
  calibration_state: CalibrationState,
  usable: Type.Boolean({ description: 'In service and calibration valid now' }),
  created_by: Uuid,
  created_at: Type.String(),
  updated_at: Type.String(),
});

export const NewDevice = Type.Object(
  {
    device_id: BusinessId,
    name: Text(200, 1),
    device_type: Text(100, 1),
    calibration_interval_days: IntervalDays,
    vendor: Type.Optional(Text(200)),
    model: Type.Optional(Text(200)),
    serial_number: Type.Optional(Text(200)),
    hub_id: Type.Optional(Uuid),
    lab_id: Type.Optional(Uuid),
    in_service: Type.Optional(Type.Boolean({ default: true })),
    health_score: Type.Optional(HealthScore),
    driver: Type.Optional(
      Nullable(Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$', description: 'a driver name; null: none' })),
    ),
    driver_settings: Type.Optional(FreeObject("the driver's settings, checked against its schema")),
  },
  { additionalProperties: false },
);

export const DeviceUpdate = Type.Object(
  {
    name: Type.Optional(Text(200, 1)),
    vendor: Type.Optional(Text(200)),
    model: Type.Optional(Text(200)),
    serial_number: Type.Optional(Text(200)),
    device_type: Type.Optional(Text(100, 1)),
    hub_id: Type.Optional(Nullable(Uuid)),
    calibration_interval_days: Type.Optional(IntervalDays),
    in_service: Type.Optional(Type.Boolean()),
    health_score: Type.Optional(Nullable(HealthScore)),
    driver: Type.Optional(
      Nullable(Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$', description: 'a driver name; null: none' })),
    ),
    driver_settings: Type.Optional(FreeObject("the driver's settings, checked against its schema")),
    reason: Reason,
  },
  { additionalProperties: false, minProperties: 2 },
);

export const DeviceParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100, description: 'The device uuid or its business id' }),
});

export const DeviceQuery = Type.Object(
  {
    ...PageQuery,
    lab_id: Type.Optional(Uuid),
    hub_id: Type.Optional(Uuid),
    device_type: Type.Optional(Text(100, 1)),
    in_service: Type.Optional(Type.Boolean()),
    calibration_state: Type.Optional(CalibrationState),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Business id prefix' })),
  },
  { additionalProperties: false },
);

export const DevicePage = pageOf(Device);

export const UsageBody = Type.Object(
  {
    purpose: Text(500, 1),
    sample_id: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'Sample uuid or business id' }),
    ),
    run_ref: Type.Optional(Text(200, 1)),
  },
  { additionalProperties: false },
);

export const Usage = Type.Object({
  id: Uuid,
  lab_id: Uuid,
  device_id: Uuid,
  used_by: Uuid,
  used_by_email: Type.String(),
  used_at: Type.String(),
  purpose: Type.String(),
  sample_id: Nullable(Uuid),
  run_ref: Nullable(Type.String()),
});

export const UsagePage = pageOf(Usage);

export const PageOnly = Type.Object({ ...PageQuery }, { additionalProperties: false });

export const Certificate = Type.Object({
  calibration_id: Uuid,
  version: Type.Integer(),
  media_type: Type.String(),
  size_bytes: Type.Integer(),
  sha256: Type.String(),
  client_filename: Type.String({
    description: 'As the client named it; informational, never used as a path',
  }),
  uploaded_by: Uuid,
  uploaded_at: Type.String(),
});

export const CalibrationEntry = Type.Object({
  id: Uuid,
  lab_id: Uuid,
  device_id: Uuid,
  device_business_id: Type.String(),
  performed_by: Uuid,
  performed_by_email: Type.String(),
  performed_at: Type.String(),
  result: Type.String(),
  next_due_at: Nullable(Type.String()),
  next_due_computed: Type.Boolean({ description: "Whether next_due_at came from the device's interval" }),
  notes: Type.String(),
  created_at: Type.String(),
  governs_status: Type.Boolean({ description: 'Whether this entry is the one the device status follows' }),
  certificates: Type.Array(Certificate),
});

export const NewCalibration = Type.Object(
  {
    device_id: Type.String({ minLength: 1, maxLength: 100, description: 'Device uuid or business id' }),
    result: Type.Union([Type.Literal('pass'), Type.Literal('fail')]),
    performed_at: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'When it was done (default now; never in the future)',
      }),
    ),
    next_due_at: Type.Optional(
      Type.String({
        format: 'date-time',
        description: "Passes only; default performed_at + the device's interval",
      }),
    ),
    notes: Type.Optional(Text(5000)),
  },
  { additionalProperties: false },
);

export const CalibrationParams = Type.Object({ id: Uuid });

export const CalibrationQuery = Type.Object(
  {
    ...PageQuery,
    device_id: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'Device uuid or business id' }),
    ),
    result: Type.Optional(Type.Union([Type.Literal('pass'), Type.Literal('fail')])),
    lab_id: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

export const CalibrationPage = pageOf(CalibrationEntry);

export const UpcomingQuery = Type.Object(
  {
    days: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650, default: 30 })),
    lab_id: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

export const OverdueQuery = Type.Object({ lab_id: Type.Optional(Uuid) }, { additionalProperties: false });

export const DueDevice = Type.Object({
  ...Device.properties,
  days_until_due: Nullable(
    Type.Integer({ description: 'Whole days from now to the due time (negative when overdue)' }),
  ),
});

export const DueList = Type.Object({
  as_of: Type.String({ description: 'The server time the list was computed at' }),
  count: Type.Integer(),
  items: Type.Array(DueDevice),
});

export const CertificateQuery = Type.Object(
  { version: Type.Optional(Type.Integer({ minimum: 1, description: 'Default: the latest' })) },
  { additionalProperties: false },
);

// Documentation of the multipart form. No `type`: the multipart parser leaves the body unset, and
// the file itself is checked by the handler (size, count, content), not by the JSON validator.
export const CertificateUpload: Record<string, unknown> = {
  content: {
    'multipart/form-data': {
      schema: {
        properties: {
          file: { type: 'string', format: 'binary', description: 'PDF, PNG or JPEG, at most 10 MB' },
        },
        required: ['file'],
      },
    },
  },
};

export const CertificateFile: Record<string, unknown> = {
  description: 'The certificate as uploaded (ETag: its SHA-256)',
  content: {
    'application/pdf': { schema: Type.String({ format: 'binary' }) },
    'image/png': { schema: Type.String({ format: 'binary' }) },
    'image/jpeg': { schema: Type.String({ format: 'binary' }) },
  },
};
