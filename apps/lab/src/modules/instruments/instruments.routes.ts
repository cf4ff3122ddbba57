import { ConflictError } from '@ours/platform/errors';
import { errorResponses, type RouteScope } from '@ours/platform/http';
import { Type } from 'typebox';
import type { LabContext } from '../../context.ts';
import { getDevice } from '../devices/devices.service.ts';
import { driverNamed, drivers } from './driver-registry.ts';
import { instrumentKinds } from './instrument-kinds.ts';
import { setSimulatedLine, simulatedDaq } from './sim-daq.driver.ts';

const base = { tags: ['instruments'], security: [{ bearerAuth: [] }] };

const Driver = Type.Object({
  name: Type.String(),
  kind: Type.String(),
  description: Type.String(),
  simulated: Type.Boolean(),
  settings_schema: Type.Record(Type.String(), Type.Unknown(), {
    description: 'JSON Schema of driver_settings',
  }),
  safe_state: Type.String(),
  actions: Type.Record(Type.String(), Type.Unknown(), {
    description: 'what the kind can do: arguments with ranges, outputs',
  }),
});

const LineBody = Type.Object(
  {
    line: Type.Integer({ minimum: 0, maximum: 7 }),
    high: Type.Boolean({
      description: 'lines 0 (E-stop) and 1 (door) are active-low: false trips the interlock',
    }),
  },
  { additionalProperties: false },
);
const Lines = Type.Object({
  device_id: Type.String(),
  lines: Type.Array(Type.Boolean(), { description: 'lines 0-7, true = high' }),
  analog_out_v: Type.Array(Type.Number(), { description: 'analog outputs 0-3' }),
});

/** `/api/instruments`: the drivers this server speaks, and the controls of simulated devices. */
export async function instrumentRoutes(app: RouteScope, ctx: LabContext): Promise<void> {
  app.get(
    '/api/instruments/drivers',
    {
      config: { access: 'devices:read' },
      schema: {
        operationId: 'listDrivers',
        ...base,
        summary: 'Instrument drivers: kind, actions with argument ranges, settings, safe state',
        response: { 200: Type.Array(Driver), ...errorResponses(401, 403, 429) },
      },
    },
    async () =>
      drivers.map((driver) => ({
        name: driver.name,
        kind: driver.kind,
        description: driver.description,
        simulated: driver.simulated,
        settings_schema: { ...driver.settings },
        safe_state: instrumentKinds[driver.kind].safeState,
        actions: { ...instrumentKinds[driver.kind].actions },
      })),
  );

  app.post(
    '/api/instruments/simulated/:id/lines',
    {
      config: { access: 'devices:manage' },
      schema: {
        operationId: 'setSimulatedLine',
        ...base,
        summary: 'Set an input line of a simulated DAQ (to trip or reset an interlock in a test or a demo)',
        params: Type.Object({
          id: Type.String({ minLength: 1, maxLength: 100, description: 'device uuid or business id' }),
        }),
        body: LineBody,
        response: { 200: Lines, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429) },
      },
    },
    async (request) => {
      const device = await getDevice(ctx, request.principal, request.params.id);
      const driver = device.driver ? driverNamed(device.driver) : undefined;
      if (!driver?.simulated || driver.kind !== 'daq') {
        throw new ConflictError('not_simulated', `Device ${device.device_id} is not a simulated DAQ`);
      }
      setSimulatedLine(device.id, request.body.line, request.body.high);
      const daq = simulatedDaq(device.id);
      return { device_id: device.device_id, lines: [...daq.lines], analog_out_v: [...daq.analogOut] };
    },
  );
}
