/** p50 and p99 of the time from sending a request to receiving the first body bytes holding `marker`. */
export async function timeToFirstEvent(
  url: string,
  body: string,
  headers: () => Record<string, string>,
  marker: string,
  concurrency: number,
  total: number,
): Promise<{ p50: number; p99: number }> {
  const samples: number[] = [];
  let started = 0;
  const worker = async () => {
    while (started < total) {
      started += 1;
      const begin = performance.now();
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers() },
        body,
      });
      if (!response.ok) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
      const reader = response.body?.getReader();
      const decoder = new TextDecoder();
      let seen = '';
      let recorded = false;
      // Drain the whole stream, as a real client would, after timing the first event.
      for (;;) {
        const chunk = await reader?.read();
        if (!chunk || chunk.done) break;
        if (recorded) continue;
        seen += decoder.decode(chunk.value, { stream: true });
        if (seen.includes(marker)) {
          samples.push(performance.now() - begin);
          recorded = true;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  samples.sort((a, b) => a - b);
  const at = (q: number) =>
    samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99) };
}
