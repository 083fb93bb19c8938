// Waits until a MongoDB-wire server answers `ping`.
// Usage: node scripts/lib/wait-mongo.mjs <url> [timeoutSeconds] [logFileForErrors]
// Exit 0 when it answers, 1 on timeout (with a hint to the log), 2 on bad usage.
import { MongoClient } from 'mongodb';

const [url, timeoutArg = '30', logFile] = process.argv.slice(2);
if (!url) {
  console.error('usage: wait-mongo.mjs <url> [timeoutSeconds] [logFile]');
  process.exit(2);
}
const deadline = Date.now() + Number(timeoutArg) * 1000;
let lastError = '';

// At least one attempt, so a timeout of 0 works as a quick probe.
for (;;) {
  // A fresh client per attempt: a client that failed server selection keeps no useful state.
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 1000, connectTimeoutMS: 1000 });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    process.exit(0);
  } catch (err) {
    lastError = err instanceof Error ? err.message : String(err);
  } finally {
    await client.close().catch(() => {});
  }
  if (Date.now() >= deadline) break;
  await new Promise((resolve) => setTimeout(resolve, 250));
}

console.error(`no MongoDB-wire server answered ping at ${url} within ${timeoutArg}s: ${lastError}`);
if (logFile) console.error(`see the server log: ${logFile}`);
process.exit(1);
