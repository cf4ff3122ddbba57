import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One file of the operator page, read once at start (the set is fixed: nothing else is served). */
export interface AdminPageFile {
  body: string;
  contentType: string;
}

const pageDir = fileURLToPath(new URL('./page/', import.meta.url));

/** The page's scripts and stylesheet, by the name they are requested under `/admin/assets/`. */
export const adminAssetNames = [
  'admin.css',
  'admin.js',
  'api.js',
  'charts.js',
  'format.js',
  'render.js',
] as const;

const contentTypes: Record<string, string> = {
  css: 'text/css; charset=utf-8',
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
};

function readPageFile(name: string): AdminPageFile {
  const extension = name.slice(name.lastIndexOf('.') + 1);
  return {
    body: readFileSync(`${pageDir}${name}`, 'utf8'),
    contentType: contentTypes[extension] ?? 'text/plain',
  };
}

/** Reads the page and its assets from `page/` beside this file (inside `src`, so the container image has them). */
export function loadAdminPageFiles(): { page: AdminPageFile; assets: Map<string, AdminPageFile> } {
  return {
    page: readPageFile('index.html'),
    assets: new Map(adminAssetNames.map((name) => [name, readPageFile(name)])),
  };
}
