/** What one demo step added, by kind (samples, lots, devices, ...). */
export type DemoCounts = Record<string, number>;

/** The demo workflow as installed: approved, to be run on the two simulated instruments. */
export interface DemoWorkflow {
  name: string;
  version: number;
  status: string;
  approved_by: string;
  /** A device for each role of the workflow, ready to bind in `POST /api/runs`. */
  devices: Record<string, string>;
}

/**
 * The second demo account, who approved the demo workflow (its author may not). The generated
 * password is in this summary only: shown once, never stored in clear or logged.
 */
export interface DemoApprover {
  email: string;
  full_name: string;
  role: string;
  password: string;
}

/** What seeding the demo added: the counts, and the demo workflow with its approver when added now. */
export interface DemoSummary {
  counts: DemoCounts;
  workflow?: DemoWorkflow | undefined;
  approver?: DemoApprover | undefined;
}
