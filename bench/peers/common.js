'use strict';
// What both peers share: command-line options, the READY line, stopping on
// stdin close or a signal, and the HTTP publish endpoint
// POST /v1/channels/<channel>/events.

const LOOPBACK = '127.0.0.1';
// The largest publish body accepted; the harness sends ~100 B..1 KiB.
const MAX_BODY_BYTES = 1024 * 1024;
const PUBLISH_PATH = /^\/v1\/channels\/([^/?]+)\/events(?:\?.*)?$/;

function log(...args) {
  console.error(`[${process.argv[1].replace(/.*\//, '')} ${process.pid}]`, ...args);
}

// Parses "--name value" pairs and bare "--flag"s into an object; exits on
// anything it does not know.
function parseArgs(argv, defaults, flags = []) {
  const opts = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '');
    if (!argv[i].startsWith('--') || !(name in defaults || flags.includes(name))) {
      usage(`unknown argument ${argv[i]}`);
    }
    if (flags.includes(name)) {
      opts[name] = true;
    } else if (i + 1 < argv.length) {
      opts[name] = argv[++i];
    } else {
      usage(`${argv[i]} needs a value`);
    }
  }
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`bad --port ${opts.port}`);
  opts.port = port;
  return opts;
}

function usage(message) {
  log(message);
  process.exit(2);
}

// Tells the harness the server listens: the only line ever written to stdout.
function announceReady(server) {
  process.stdout.write(`READY ${server.address().port}\n`);
}

// Calls stop() once, when stdin closes (the harness's way to stop a child)
// or on SIGTERM / SIGINT, then exits 0. stop() may return a promise; the
// process exits after at most 3 s whatever it does.
function stopOn(stop, { ignoreStdin = false } = {}) {
  let stopping = false;
  const once = (why) => {
    if (stopping) return;
    stopping = true;
    log(`stopping (${why})`);
    setTimeout(() => process.exit(0), 3000).unref();
    Promise.resolve()
      .then(stop)
      .catch((err) => log('error while stopping:', err))
      .finally(() => process.exit(0));
  };
  if (!ignoreStdin) {
    process.stdin.on('end', () => once('stdin closed'));
    process.stdin.on('error', () => once('stdin error'));
    process.stdin.resume(); // read and drop whatever comes, to see the end
  }
  process.on('SIGTERM', () => once('SIGTERM'));
  process.on('SIGINT', () => once('SIGINT'));
}

function reply(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

// Returns an HTTP request handler for the publish endpoint. publish(channel,
// body, parsed) is called with the raw body (a Buffer) and its parsed JSON
// value once the body has been read and found to be JSON; the request is
// answered 201 {"channel": channel} when publish returns.
function publishHandler(publish) {
  return (req, res) => {
    const match = PUBLISH_PATH.exec(req.url);
    if (!match) return reply(res, 404, { error: 'not found' });
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return reply(res, 405, { error: 'method not allowed' });
    }
    let channel;
    try {
      channel = decodeURIComponent(match[1]);
    } catch {
      return reply(res, 400, { error: 'bad channel' });
    }
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return reply(res, 413, { error: 'body too large' });
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      let parsed;
      try {
        // Subscribers get the body inlined in a JSON frame: it must be JSON.
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        return reply(res, 400, { error: 'body is not JSON' });
      }
      publish(channel, body, parsed);
      reply(res, 201, { channel });
    });
  };
}

// Keep-alive settings for the harness's long-lived publish connections.
function tuneHttpServer(server) {
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  server.requestTimeout = 0;
}

module.exports = {
  LOOPBACK,
  log,
  parseArgs,
  announceReady,
  stopOn,
  publishHandler,
  tuneHttpServer,
};
