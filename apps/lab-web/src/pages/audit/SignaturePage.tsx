export function SignaturePage() {
  return <h1>SignaturePage</h1>;
}
