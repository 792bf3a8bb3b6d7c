// The webapp behind both proxies in the gateway benchmark: a plain Node HTTP server answering a
// small page, in a process of its own. `GET /.bench/headers` answers the request's headers as
// JSON instead (how the bench learns what the gateway adds). Prints `ready` once listening.
import http from 'node:http';

const body = Buffer.from('<!doctype html><title>bench</title><p>hello from the webapp</p>');
const server = http.createServer((req, res) => {
  req.resume();
  if (req.url === '/.bench/headers') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(req.headers));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
