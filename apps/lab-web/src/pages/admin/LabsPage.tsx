export function LabsPage() {
  return <h1>LabsPage</h1>;
}
