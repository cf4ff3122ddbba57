/** The memory module as other modules see it: everything else in this folder is its own. */
export { vectorLiteral } from './embedding-client.ts';
export { type MemoryQuery, relevantMemories } from './memory.repository.ts';
export { pruneMemories, syncMemories } from './memory-jobs.ts';
