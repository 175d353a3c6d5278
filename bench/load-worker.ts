import autocannon from 'autocannon';
import fs from 'node:fs';

/**
 * The load generator, in its own process so it does not share an event loop with the
 * server it measures. Requests cycle through random visitors' paths.
 */
interface LoadConfig {
  url: string;
  paths: string[];
  connections: number;
  seconds: number;
  headers: Record<string, string>;
}

const config = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as LoadConfig;
let state = 12345;
const randomPath = (): string => {
  state = (state * 1103515245 + 12345) >>> 0;
  return config.paths[state % config.paths.length]!;
};

const instance = autocannon(
  {
    url: config.url,
    connections: config.connections,
    duration: config.seconds,
    headers: config.headers,
    requests: [{ setupRequest: (request) => ({ ...request, path: randomPath() }) }],
  },
  (error, result) => {
    if (error) throw error;
    console.log(
      JSON.stringify({
        requests_per_second: result.requests.average,
        p50_ms: result.latency.p50,
        p99_ms: result.latency.p99,
        non_2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        total: result.requests.total,
      }),
    );
  },
);
process.once('SIGINT', () => instance.stop());
