'use strict';
// A plain `ws` broadcast server: the simplest real-time fanout a user could
// write instead of Herald. One process, no durability, no replay.
//
//   node ws-server.js --port P [--ignore-stdin]
//
// WebSocket (any path), text frames:
//   client -> {"op":"subscribe","channel":"c"}
//   server -> {"op":"subscribed","channel":"c"}
//   server -> {"op":"event","channel":"c","data":<published body>}
// Publish: POST /v1/channels/<c>/events with a JSON body -> 201 {"channel":"c"},
// answered after the event frame was handed to every subscriber's socket.

const http = require('node:http');
const { WebSocketServer } = require('ws');
const common = require('./common');
const { log } = common;

const opts = common.parseArgs(process.argv.slice(2), { port: '0' }, ['ignore-stdin']);

// channel -> Set of subscribed sockets
const channels = new Map();

// Hands one event to every subscriber of channel. The frame is built once and
// the same Buffer goes to every socket (binary: false keeps it a text frame).
function publish(channel, body) {
  const subscribers = channels.get(channel);
  if (!subscribers) return;
  const frame = Buffer.concat([
    Buffer.from(`{"op":"event","channel":${JSON.stringify(channel)},"data":`),
    body,
    Buffer.from('}'),
  ]);
  for (const ws of subscribers) ws.send(frame, { binary: false });
}

function subscribe(ws, channel) {
  let subscribers = channels.get(channel);
  if (!subscribers) channels.set(channel, (subscribers = new Set()));
  subscribers.add(ws);
  ws.subscriptions.add(channel);
  ws.send(JSON.stringify({ op: 'subscribed', channel }));
}

function unsubscribeAll(ws) {
  for (const channel of ws.subscriptions) {
    const subscribers = channels.get(channel);
    subscribers.delete(ws);
    if (subscribers.size === 0) channels.delete(channel);
  }
  ws.subscriptions.clear();
}

function onMessage(ws, data, isBinary) {
  let msg;
  try {
    msg = isBinary ? null : JSON.parse(data.toString('utf8'));
  } catch {
    msg = null;
  }
  if (msg && msg.op === 'subscribe' && typeof msg.channel === 'string' && msg.channel) {
    subscribe(ws, msg.channel);
  } else {
    ws.send(JSON.stringify({ op: 'error', error: 'expected {"op":"subscribe","channel":"..."}' }));
  }
}

const server = http.createServer(common.publishHandler(publish));
common.tuneHttpServer(server);

// Upgrades on any path; permessage-deflate stays off (it is ws's server default).
const wss = new WebSocketServer({ server, perMessageDeflate: false, maxPayload: 64 * 1024 });
wss.on('connection', (ws) => {
  ws.subscriptions = new Set();
  ws.on('message', (data, isBinary) => onMessage(ws, data, isBinary));
  ws.on('close', () => unsubscribeAll(ws));
  ws.on('error', (err) => log('socket error:', err.message));
});

server.listen(opts.port, common.LOOPBACK, () => {
  log(`listening on ${common.LOOPBACK}:${server.address().port}`);
  common.announceReady(server);
});

common.stopOn(
  () =>
    new Promise((resolve) => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  { ignoreStdin: opts['ignore-stdin'] },
);
