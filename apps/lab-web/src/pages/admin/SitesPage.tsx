export function SitesPage() {
  return <h1>SitesPage</h1>;
}
