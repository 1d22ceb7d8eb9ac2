/** First Ctrl+C cancels the generation and keeps the partial; a second one leaves at once. */
export function onSigint(abort: AbortController): () => void {
  const handler = (): void => {
    if (abort.signal.aborted) process.exit(130);
    process.stderr.write('\ncanceling: keeping the partial answer (Ctrl+C again to quit now)\n');
    abort.abort();
  };
  process.on('SIGINT', handler);
  return () => process.off('SIGINT', handler);
}
