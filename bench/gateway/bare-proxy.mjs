// The floor in the gateway benchmark: the least a Node reverse proxy can be. node:http in front,
// node:http with kept-alive connections behind, headers passed as they come, the body piped both
// ways; no routing, authentication, header rewriting, metrics or logging. What it adds over the
// webapp direct is what any Node proxy adds on the machine at that moment: a day's noise shows
// in its figures as much as in the gateway's. Listens on PORT, forwards to TARGET, prints `ready`.
// With ADD_HEADERS (a JSON object) it also adds those headers to every request it forwards: the
// identity headers the gateway adds, so that floor does the header work the gateway must do.
import http from 'node:http';

const target = new URL(process.env.TARGET);
const added = process.env.ADD_HEADERS ? JSON.parse(process.env.ADD_HEADERS) : undefined;
const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
const server = http.createServer((req, res) => {
  // Object.assign, not an object spread: spreading req.headers with the ten added headers made V8
  // keep 0.8-1.7 MB alive through every scavenge (promoted, then collected by mark-compacts),
  // and the scavenges paused 3-7 ms instead of under 1 ms (--trace-gc-nvp, 12-03).
  const headers = added ? Object.assign({}, req.headers, added) : req.headers;
  const upstream = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers, agent }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(upstream);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
