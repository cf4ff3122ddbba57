/**
 * A one-line progress bar on a terminal; on a pipe or in CI, a line at every tenth instead, so logs
 * stay readable.
 */
export function createProgressBar(label: string, stream: NodeJS.WriteStream = process.stderr) {
  const width = 30;
  let lastDecile = -1;
  return {
    update(done: number, total: number): void {
      const ratio = total === 0 ? 1 : done / total;
      if (stream.isTTY) {
        const filled = Math.round(ratio * width);
        stream.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`);
        return;
      }
      const decile = Math.floor(ratio * 10);
      if (decile !== lastDecile) {
        lastDecile = decile;
        stream.write(`${label}: ${done}/${total}\n`);
      }
    },
    done(): void {
      if (stream.isTTY) stream.write('\n');
    },
  };
}
