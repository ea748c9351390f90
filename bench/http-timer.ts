// Sequential GETs timed from a worker thread: the server under test runs in this process, so
// a client on the main thread would share its event loop (and its garbage collector) and add
// its own work to every figure. The worker has its own thread and heap, uses plain node:http
// with a keep-alive connection (as a browser would), and times each request to its last byte.
import { Worker } from 'node:worker_threads';

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { performance } = require('node:perf_hooks');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function get(url) {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const req = http.get(url, { agent }, (res) => {
      let bytes = 0;
      const chunks = [];
      res.on('data', (c) => { bytes += c.length; if (workerData.keepBody) chunks.push(c); });
      res.on('end', () => resolve({ ms: performance.now() - t, status: res.statusCode, bytes, body: workerData.keepBody ? Buffer.concat(chunks).toString('utf8') : '' }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}
(async () => {
  const out = [];
  let last = null;
  for (let i = 0; i < workerData.warmup + workerData.samples; i++) {
    const r = await get(workerData.url);
    if (r.status !== 200) { parentPort.postMessage({ error: 'GET ' + workerData.url + ' answered ' + r.status + ': ' + r.body.slice(0, 300) }); return; }
    if (i >= workerData.warmup) out.push(r.ms);
    last = r;
  }
  agent.destroy();
  parentPort.postMessage({ times: out, bytes: last.bytes, body: last.body });
})().catch((e) => parentPort.postMessage({ error: String(e && e.stack || e) }));
`;

export interface TimedGets {
  /** Milliseconds of each timed request (warm-up excluded), in order. */
  times: number[];
  /** Size of the last response body. */
  bytes: number;
  /** The last response body (for a sanity check). */
  body: string;
}

export function timeGets(url: string, warmup: number, samples: number): Promise<TimedGets> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER, { eval: true, workerData: { url, warmup, samples, keepBody: true }, execArgv: [] });
    w.once('message', (m: { error?: string } & TimedGets) => {
      void w.terminate();
      if (m.error) reject(new Error(m.error));
      else resolve(m);
    });
    w.once('error', reject);
  });
}
