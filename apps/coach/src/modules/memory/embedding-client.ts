import OpenAI from 'openai';

/** Dimensions of the stored vectors (the column is vector(1536)). */
export const embeddingDimensions = 1536;

export type Embed = (texts: string[], signal?: AbortSignal) => Promise<number[][]>;

/** Embeddings through the same OpenAI-compatible server as the chat model. */
export function createEmbeddingClient(options: {
  apiKey: string;
  baseURL: string | undefined;
  model: string;
}): Embed {
  const sdk = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    maxRetries: 0,
    timeout: 15_000,
  });
  return async (texts, signal) => {
    const response = await sdk.embeddings.create(
      { model: options.model, input: texts, dimensions: embeddingDimensions, encoding_format: 'float' },
      { signal },
    );
    const vectors = [...response.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
    if (vectors.length !== texts.length || vectors.some((vector) => vector.length !== embeddingDimensions)) {
      throw new Error(`embedding model returned ${vectors.length} vectors of the wrong shape`);
    }
    return vectors;
  };
}

/** pgvector's text form of a vector. */
export function vectorLiteral(vector: number[]): string {
  return `[${vector.join(',')}]`;
}
