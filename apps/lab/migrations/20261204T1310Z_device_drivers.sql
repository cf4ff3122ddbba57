-- A device names the driver that speaks to it (sim-daq, sim-raman, ...) and that driver's settings
-- (checked against the driver's schema by the service). A device without a driver can be logged and
-- calibrated but not bound to a workflow run.
ALTER TABLE public.devices
  ADD COLUMN driver text CHECK (driver ~ '^[a-z][a-z0-9-]{0,62}$'),
  ADD COLUMN driver_settings jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(driver_settings) = 'object'),
  ADD CONSTRAINT devices_driver_settings_size CHECK (octet_length(driver_settings::text) <= 16384);
