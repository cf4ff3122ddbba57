export function StartRunPage() {
  return <h1>StartRunPage</h1>;
}
