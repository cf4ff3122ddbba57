export function ItemPage() {
  return <h1>ItemPage</h1>;
}
