/**
 * Progress through a few long named steps, on stderr (stdout stays for the command's data): one
 * line as each step starts, and the time taken at the end, on a terminal or in a log alike.
 */
export function createStepProgress(label: string, stream: NodeJS.WritableStream = process.stderr) {
  const started = Date.now();
  return {
    step(name: string, index: number, total: number): void {
      stream.write(`${label} [${index}/${total}] ${name}...\n`);
    },
    done(): void {
      stream.write(`${label}: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    },
  };
}
