export function InstrumentsPage() {
  return <h1>InstrumentsPage</h1>;
}
