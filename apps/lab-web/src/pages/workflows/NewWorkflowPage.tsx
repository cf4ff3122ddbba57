export function NewWorkflowPage() {
  return <h1>NewWorkflowPage</h1>;
}
