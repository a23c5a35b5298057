'use strict';
// Socket.IO with the Redis Streams adapter and connection-state recovery: the
// clustered, "recovers missed events" choice a user could make instead of
// Herald. Instances started with the same --redis form one cluster: an event
// published to any of them goes through a Redis stream to all of them.
//
//   node socketio-server.js --port P --redis redis://127.0.0.1:R [--ignore-stdin]
//
// Socket.IO v5 protocol over Engine.IO v4, at /socket.io/?EIO=4&transport=websocket:
//   server -> 0{"sid":...,"upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}
//   client -> 40                           server -> 40{"sid":...,"pid":...}
//   client -> 42["subscribe","c"]          server -> 42["subscribed",{"op":"subscribed","channel":"c"},"<offset>"]
//   server -> 42["event",{"channel":"c","data":<published body>},"<offset>"]
//   server -> 2 (ping)                     client -> 3 (pong)
// <offset> is the Redis stream entry id, added by connection-state recovery.
// Publish: POST /v1/channels/<c>/events with a JSON body -> 201 {"channel":"c"}.

const http = require('node:http');
const { createClient } = require('redis');
const { Server } = require('socket.io');
const { createAdapter } = require('@socket.io/redis-streams-adapter');
const common = require('./common');
const { log } = common;

const REDIS_CONNECT_TIMEOUT_MS = 10_000;

const opts = common.parseArgs(
  process.argv.slice(2),
  { port: '0', redis: 'redis://127.0.0.1:6379' },
  ['ignore-stdin'],
);

async function connectRedis(url) {
  const client = createClient({ url });
  client.on('error', (err) => log('redis error:', err.message));
  // The client retries for ever; a peer that cannot reach Redis at start
  // should fail instead, so the harness sees it.
  const timeout = setTimeout(() => {
    log(`no connection to ${url} within ${REDIS_CONNECT_TIMEOUT_MS} ms`);
    process.exit(1);
  }, REDIS_CONNECT_TIMEOUT_MS);
  await client.connect();
  clearTimeout(timeout);
  return client;
}

// Set once started; stop() closes whatever exists by then.
let io;
let redisClient;

common.stopOn(
  async () => {
    if (io) await io.close(); // disconnects the sockets, closes the HTTP server and the adapter
    if (redisClient) await redisClient.close();
  },
  { ignoreStdin: opts['ignore-stdin'] },
);

async function main() {
  redisClient = await connectRedis(opts.redis);

  // Requests that are not Socket.IO's (engine.io passes them on) are publishes.
  const server = http.createServer(
    common.publishHandler((channel, body, data) => {
      // Goes to Redis (XADD), then every instance's local members of the room.
      io.to(channel).emit('event', { channel, data });
    }),
  );
  common.tuneHttpServer(server);

  io = new Server(server, {
    serveClient: false,
    perMessageDeflate: false,
    pingInterval: 25_000,
    pingTimeout: 20_000,
    connectionStateRecovery: {
      maxDisconnectionDuration: 2 * 60 * 1000,
      skipMiddlewares: true,
    },
    // The published bodies are JSON: no need to look for binary in each packet.
    adapter: createAdapter(redisClient, { onlyPlaintext: true }),
  });

  io.engine.on('connection_error', (err) => log('engine.io connection error:', err.message));
  io.on('connection', (socket) => {
    socket.on('subscribe', (channel) => {
      if (typeof channel !== 'string' || !channel) {
        socket.emit('subscribe_error', { error: 'expected 42["subscribe","<channel>"]' });
        return;
      }
      socket.join(channel);
      socket.emit('subscribed', { op: 'subscribed', channel });
    });
  });

  server.listen(opts.port, common.LOOPBACK, () => {
    log(`listening on ${common.LOOPBACK}:${server.address().port}, redis ${opts.redis}`);
    common.announceReady(server);
  });
}

main().catch((err) => {
  log('failed to start:', err);
  process.exit(1);
});
