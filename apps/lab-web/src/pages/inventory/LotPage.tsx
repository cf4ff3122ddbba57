export function LotPage() {
  return <h1>LotPage</h1>;
}
