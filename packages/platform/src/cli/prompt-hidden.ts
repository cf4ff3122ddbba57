import { createInterface } from 'node:readline';

/** Asks for a secret on the terminal without echoing it (passwords for CLI commands). */
export function promptHidden(question: string): Promise<string> {
  if (!process.stdin.isTTY) {
    return Promise.reject(new Error('no terminal to prompt on: pass the secret through the environment'));
  }
  return new Promise((resolve) => {
    const output = process.stderr;
    const rl = createInterface({ input: process.stdin, output, terminal: true });
    output.write(question);
    // Swallow the echo of every typed character; readline still collects the line. readline has no
    // public way to mute echo: its internal writer is the known hook.
    Reflect.set(rl, '_writeToOutput', () => {});
    rl.question('', (answer) => {
      rl.close();
      output.write('\n');
      resolve(answer);
    });
  });
}
