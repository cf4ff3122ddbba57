export function CalibrationPage() {
  return <h1>CalibrationPage</h1>;
}
