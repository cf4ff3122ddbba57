export function SampleDetailPage() {
  return <h1>SampleDetailPage</h1>;
}
