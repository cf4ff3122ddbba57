export function ImportSamplesPage() {
  return <h1>ImportSamplesPage</h1>;
}
