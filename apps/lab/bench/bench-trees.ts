import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The repository this benchmark runs from (apps/lab/bench → the root). */
export const currentTree = new URL('../../../', import.meta.url).pathname.replace(/\/$/, '');

const git = (...args: string[]) => execFileSync('git', args, { cwd: currentTree, encoding: 'utf8' }).trim();

/**
 * A checkout of `ref` to run side by side with this tree: a detached git worktree with its own
 * `npm ci`, kept under the temp directory by commit (a second run reuses it), so the baseline runs
 * its own code against its own database, exactly as it was.
 */
export function checkoutTree(ref: string): { dir: string; commit: string } {
  const commit = git('rev-parse', '--verify', `${ref}^{commit}`);
  const dir = join(tmpdir(), 'lab-bench-trees', commit);
  if (!existsSync(join(dir, 'node_modules', '.package-lock.json'))) {
    mkdirSync(join(tmpdir(), 'lab-bench-trees'), { recursive: true });
    if (!existsSync(join(dir, '.git'))) {
      git('worktree', 'prune');
      git('worktree', 'add', '--detach', '--force', dir, commit);
    }
    console.log(`installing ${ref} (${commit.slice(0, 7)}) in ${dir}`);
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: dir,
      stdio: 'inherit',
    });
  }
  return { dir, commit };
}

/** The commit this tree is at (with `+` when it has uncommitted changes). */
export function currentCommit(): string {
  const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
  return `${git('rev-parse', '--short', 'HEAD')}${dirty ? '+' : ''}`;
}
