export function WorkflowVersionPage() {
  return <h1>WorkflowVersionPage</h1>;
}
