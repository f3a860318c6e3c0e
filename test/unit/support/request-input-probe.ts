// Reads one --requests source the way a start script streams it, keeping nothing, and prints what it found and
// the most memory it held: run with --expose-gc, so each sample is what is still reachable, not garbage.
import { openRequests, RequestInputError } from '../../../cli/request-input';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

function retainedBytes(): number {
  // Twice: the first collection frees Buffers' memory on a background thread, the second waits for it.
  gc?.();
  gc?.();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

async function main(source: string): Promise<void> {
  const baseline = retainedBytes();
  let peak = 0;
  let samples = 0;
  const sample = () => {
    peak = Math.max(peak, retainedBytes() - baseline);
    samples++;
  };
  // Forced collections cost time, so they are few: on a timer, for input that yields nothing, and every 1000 entries.
  const sampler = setInterval(sample, 250);
  const summary = { total: null as number | null, accepted: 0, rejected: 0, error: null as string | null, exitCode: 0 };
  try {
    const requests = await openRequests(source);
    summary.total = requests.total;
    for await (const entry of requests) {
      if (entry.ok) summary.accepted++;
      else summary.rejected++;
      if (entry.index % 1000 === 999) sample();
    }
  } catch (error) {
    if (!(error instanceof RequestInputError)) throw error;
    summary.error = error.message;
    summary.exitCode = error.exitCode;
  }
  clearInterval(sampler);
  sample();
  process.stdout.write(`${JSON.stringify({ ...summary, peakRetainedBytes: peak, samples })}\n`);
}

void main(process.argv[2]);
