export function SamplesPage() {
  return <h1>SamplesPage</h1>;
}
