export function RegisterSamplesPage() {
  return <h1>RegisterSamplesPage</h1>;
}
