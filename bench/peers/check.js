'use strict';
// End-to-end check of the two peers on 127.0.0.1, speaking the raw frames the
// Java harness speaks (the `ws` package as a plain WebSocket client, no
// socket.io-client) and publishing over one raw HTTP/1.1 keep-alive connection.
//
//   node check.js [--clients 100] [--events 50]
//                 [--ws-port P] [--sio-ports P1,P2]   (use running peers)
//
// Without ports it starts Redis (bench/peers/redis.sh's command line), one
// ws-server.js and two socketio-server.js instances as children. For each
// peer it connects the clients (for Socket.IO spread over both instances),
// subscribes them, publishes the events (for Socket.IO alternating between
// the instances) and checks every client got every event exactly once with
// the published body; then, for Socket.IO, that connection-state recovery
// replays missed events to a client that reconnects to the other instance.
// Prints one line per check and exits non-zero if any failed.

const { spawn } = require('node:child_process');
const net = require('node:net');
const assert = require('node:assert');
const WebSocket = require('ws');

const HOST = '127.0.0.1';
const CHANNEL = 'bench';
const EMPTY_CHANNEL = 'nobody'; // published to, subscribed by no one
const DELIVERY_TIMEOUT_MS = 15_000;
const OVERALL_TIMEOUT_MS = 120_000;

const args = parseArgs(process.argv.slice(2));
const results = { passed: 0, failed: 0 };

function parseArgs(argv) {
  const opts = { clients: 100, events: 50, 'ws-port': null, 'sio-ports': null };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    if (!(name in opts) || i + 1 >= argv.length) {
      console.error(`usage: node check.js [--clients N] [--events N] [--ws-port P] [--sio-ports P1,P2]`);
      process.exit(2);
    }
    opts[name] = argv[i + 1];
  }
  opts.clients = Number(opts.clients);
  opts.events = Number(opts.events);
  return opts;
}

// Runs one named check; a thrown error fails it (and is printed), not the run.
async function check(name, fn) {
  try {
    const note = await fn();
    results.passed++;
    console.log(`ok   ${name}${note ? ` (${note})` : ''}`);
  } catch (err) {
    results.failed++;
    console.log(`FAIL ${name}: ${err.message}`);
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, cond, timeoutMs = DELIVERY_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

// ---------------------------------------------------------------- children

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Spawns a child and resolves once a stdout line matches ready (its match is
// returned). stdin stays a pipe so closing it stops our peers.
function startChild(name, cmd, cmdArgs, ready) {
  const child = spawn(cmd, cmdArgs, { cwd: __dirname, stdio: ['pipe', 'pipe', 'inherit'] });
  child.extraStdout = [];
  return new Promise((resolve, reject) => {
    let buffered = '';
    let match = null;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (match) {
          child.extraStdout.push(line);
        } else if ((match = ready.exec(line))) {
          resolve({ child, match });
        } else {
          child.extraStdout.push(line);
        }
      }
    });
    child.on('exit', (code) => {
      if (!match) reject(new Error(`${name} exited (${code}) before it was ready`));
    });
    setTimeout(() => reject(new Error(`${name} not ready within 15 s`)), 15_000).unref();
  });
}

function waitExit(child, timeoutMs) {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms`)), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(t);
      resolve({ code, signal });
    });
  });
}

// ------------------------------------------------- raw HTTP/1.1 publishing

// One keep-alive HTTP/1.1 connection; requests go one after the other, each
// with Content-Length, as the harness sends them.
class RawHttp {
  constructor(port) {
    this.port = port;
    this.socket = null;
    this.connects = 0;
  }

  async connect() {
    this.socket = net.connect(this.port, HOST);
    this.socket.setNoDelay(true);
    this.connects++;
    await new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
    this.buffer = Buffer.alloc(0);
    this.pending = null;
    this.socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.tryParse();
    });
    this.socket.on('close', () => {
      this.socket = null;
      if (this.pending) this.pending.reject(new Error('connection closed before the answer'));
    });
  }

  tryParse() {
    if (!this.pending) return;
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(head[0].split(' ')[1]);
    const headers = {};
    for (const line of head.slice(1)) {
      const i = line.indexOf(':');
      headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    const length = Number(headers['content-length'] || 0);
    if (this.buffer.length < end + 4 + length) return;
    const body = this.buffer.subarray(end + 4, end + 4 + length).toString('utf8');
    this.buffer = this.buffer.subarray(end + 4 + length);
    const { resolve } = this.pending;
    this.pending = null;
    resolve({ status, headers, body });
  }

  async request(method, target, body = '') {
    if (!this.socket) await this.connect();
    const payload = Buffer.from(body);
    const head =
      `${method} ${target} HTTP/1.1\r\nHost: ${HOST}:${this.port}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${payload.length}\r\n\r\n`;
    const answer = new Promise((resolve, reject) => (this.pending = { resolve, reject }));
    this.socket.write(Buffer.concat([Buffer.from(head), payload]));
    return answer;
  }

  async publish(channel, body) {
    const res = await this.request('POST', `/v1/channels/${encodeURIComponent(channel)}/events`, body);
    assert.strictEqual(res.status, 201, `publish answered ${res.status} ${res.body}`);
    assert.match(res.headers['content-type'] || '', /^application\/json/, 'publish Content-Type');
    assert.deepStrictEqual(JSON.parse(res.body), { channel }, 'publish answer body');
    return res;
  }

  close() {
    if (this.socket) this.socket.destroy();
  }
}

// ------------------------------------------------------------------ clients

// What both kinds of client record: the events received, by their "n".
class Recorder {
  constructor(id) {
    this.id = id;
    this.events = []; // { n, data, raw, offset }
    this.errors = [];
    this.closed = false;
  }
}

// A client of ws-server.js, speaking its JSON text frames.
function wsClient(port, id, channel) {
  const rec = new Recorder(id);
  const ws = new WebSocket(`ws://${HOST}:${port}/ws`, { perMessageDeflate: false });
  rec.ws = ws;
  rec.ready = new Promise((resolve, reject) => {
    ws.on('open', () => ws.send(JSON.stringify({ op: 'subscribe', channel })));
    ws.on('error', reject);
    ws.on('message', (data, isBinary) => {
      const raw = data.toString('utf8');
      if (isBinary) return rec.errors.push(`binary frame ${raw}`);
      const msg = JSON.parse(raw);
      if (msg.op === 'subscribed') {
        if (raw !== JSON.stringify({ op: 'subscribed', channel })) rec.errors.push(`odd ack ${raw}`);
        resolve(rec);
      } else if (msg.op === 'event') {
        // The frame must be exactly {"op":"event","channel":"c","data":<body>}.
        const prefix = `{"op":"event","channel":${JSON.stringify(msg.channel)},"data":`;
        if (!raw.startsWith(prefix) || !raw.endsWith('}')) rec.errors.push(`odd event frame ${raw}`);
        rec.events.push({ channel: msg.channel, n: msg.data.n, data: msg.data, raw: raw.slice(prefix.length, -1) });
      } else {
        rec.errors.push(`unexpected frame ${raw}`);
      }
    });
  });
  ws.on('close', () => (rec.closed = true));
  return rec;
}

const SIO_PATH = '/socket.io/?EIO=4&transport=websocket';
const SIO_EVENT = /^42\["event",\{"channel":("(?:[^"\\]|\\.)*"),"data":(.*)\},"(\d+-\d+)"\]$/;

// A client of socketio-server.js speaking raw Engine.IO v4 / Socket.IO v5
// text frames. auth, when given, goes in the CONNECT packet (40{...}): that is
// how a client asks for connection-state recovery ({"pid":..,"offset":..}).
function sioClient(port, id, channel, auth = null) {
  const rec = new Recorder(id);
  rec.frames = []; // every frame but pings, for the report
  const ws = new WebSocket(`ws://${HOST}:${port}${SIO_PATH}`, { perMessageDeflate: false });
  rec.ws = ws;
  rec.ready = new Promise((resolve, reject) => {
    ws.on('error', reject);
    ws.on('message', (data) => {
      const raw = data.toString('utf8');
      if (raw === '2') return ws.send('3'); // Engine.IO ping -> pong
      rec.frames.push(raw);
      if (raw[0] === '0') {
        rec.open = JSON.parse(raw.slice(1));
        ws.send(auth ? `40${JSON.stringify(auth)}` : '40');
      } else if (raw.startsWith('40')) {
        rec.connect = JSON.parse(raw.slice(2));
        if (auth) resolve(rec); // recovering: the rooms come back with the session
        else ws.send(`42${JSON.stringify(['subscribe', channel])}`);
      } else if (raw.startsWith('44')) {
        reject(new Error(`connect error ${raw}`));
      } else if (raw.startsWith('42')) {
        const [name, payload, offset] = JSON.parse(raw.slice(2));
        if (name === 'subscribed') {
          rec.subscribedFrame = raw;
          resolve(rec);
        } else if (name === 'event') {
          const m = SIO_EVENT.exec(raw);
          if (!m) rec.errors.push(`odd event frame ${raw}`);
          rec.events.push({ channel: payload.channel, n: payload.data.n, data: payload.data, raw: m && m[2], offset });
          rec.lastOffset = offset;
        } else {
          rec.errors.push(`unexpected event ${raw}`);
        }
      } else {
        rec.errors.push(`unexpected frame ${raw}`);
      }
    });
  });
  ws.on('close', () => (rec.closed = true));
  return rec;
}

// ------------------------------------------------------------------- checks

// A compact JSON body of 100 B .. ~1 KiB, like the harness's.
function eventBody(n) {
  const pad = 'x'.repeat(60 + ((Math.abs(n) * 97) % 900));
  return JSON.stringify({ t: Date.now(), n, p: pad });
}

// Publishes `events` events to CHANNEL through the publishers in turn (and,
// now and then, one to EMPTY_CHANNEL); returns the bodies by n.
async function publishAll(publishers, events, first = 0) {
  const bodies = new Map();
  for (let i = 0; i < events; i++) {
    const n = first + i;
    const body = eventBody(n);
    bodies.set(n, body);
    await publishers[i % publishers.length].publish(CHANNEL, body);
    if (i % 10 === 0) await publishers[i % publishers.length].publish(EMPTY_CHANNEL, eventBody(-1));
  }
  return bodies;
}

// Every client got every n in bodies exactly once, with the published body.
function assertDelivered(clients, bodies, { ordered }) {
  const problems = [];
  let outOfOrder = 0;
  for (const c of clients) {
    const got = c.events.filter((e) => bodies.has(e.n));
    const counts = new Map();
    for (const e of got) counts.set(e.n, (counts.get(e.n) || 0) + 1);
    const missing = [...bodies.keys()].filter((n) => !counts.has(n));
    const dups = [...counts].filter(([, k]) => k > 1).map(([n]) => n);
    const stray = c.events.filter((e) => e.channel !== CHANNEL || !bodies.has(e.n));
    const wrong = got.filter((e) => e.channel !== CHANNEL || e.raw !== bodies.get(e.n));
    const order = got.map((e) => e.n);
    if (order.some((n, i) => i > 0 && n < order[i - 1])) outOfOrder++;
    if (missing.length) problems.push(`client ${c.id} missed ${missing.length} (first ${missing[0]})`);
    if (dups.length) problems.push(`client ${c.id} got ${dups.length} twice (first ${dups[0]})`);
    if (stray.length) problems.push(`client ${c.id} got ${stray.length} it should not (${stray[0].channel})`);
    if (wrong.length) problems.push(`client ${c.id} got ${wrong.length} with a changed body`);
    if (c.errors.length) problems.push(`client ${c.id}: ${c.errors[0]}`);
  }
  if (ordered && outOfOrder) problems.push(`${outOfOrder} clients got events out of publish order`);
  if (problems.length) throw new Error(`${problems.length} problems: ${problems.slice(0, 5).join('; ')}`);
  return outOfOrder;
}

async function connectAll(make) {
  const started = Date.now();
  const clients = await Promise.all(Array.from({ length: args.clients }, (_, i) => make(i).ready));
  return { clients, ms: Date.now() - started };
}

async function closeAll(clients) {
  for (const c of clients) c.ws.close();
  await waitFor('clients to close', () => clients.every((c) => c.closed), 5000).catch(() => {});
}

async function checkWs(port) {
  const pub = new RawHttp(port);
  let clients = [];
  await check(`ws: ${args.clients} clients subscribe`, async () => {
    const r = await connectAll((i) => wsClient(port, i, CHANNEL));
    clients = r.clients;
    return `${r.ms} ms`;
  });
  await check('ws: unknown path is 404', async () => {
    const res = await pub.request('POST', '/v1/nope', '{}');
    assert.strictEqual(res.status, 404);
  });
  await check(`ws: ${args.events} events, every client gets each exactly once, in order, body unchanged`, async () => {
    const started = Date.now();
    const bodies = await publishAll([pub], args.events);
    const published = Date.now();
    await waitFor('deliveries', () => clients.every((c) => c.events.length >= args.events));
    const delivered = Date.now();
    await sleep(200); // room for duplicates or strays to show up
    assertDelivered(clients, bodies, { ordered: true });
    assert.strictEqual(pub.connects, 1, 'publishes reused one keep-alive connection');
    return `published in ${published - started} ms, all delivered ${delivered - published} ms later, one HTTP connection`;
  });
  if (clients[0]) console.log(`     frame: {"op":"event","channel":"bench","data":${clients[0].events[0]?.raw.slice(0, 40)}...}`);
  pub.close();
  await closeAll(clients);
}

async function checkSocketIo(ports) {
  const pubs = ports.map((p) => new RawHttp(p));
  let clients = [];
  await check(`socket.io: ${args.clients} clients subscribe, spread over ${ports.length} instances`, async () => {
    const r = await connectAll((i) => sioClient(ports[i % ports.length], i, CHANNEL));
    clients = r.clients;
    const c = clients[0];
    assert.match(c.frames[0], /^0\{"sid":"[^"]+","upgrades":\[\],"pingInterval":25000,"pingTimeout":20000,"maxPayload":\d+\}$/);
    assert.match(c.frames[1], /^40\{"sid":"[^"]+","pid":"[^"]+"\}$/);
    assert.match(c.subscribedFrame, /^42\["subscribed",\{"op":"subscribed","channel":"bench"\},"\d+-\d+"\]$/);
    return `${r.ms} ms`;
  });
  await check('socket.io: unknown path is 404', async () => {
    const res = await pubs[0].request('POST', '/v1/nope', '{}');
    assert.strictEqual(res.status, 404);
  });
  let bodies;
  await check(`socket.io: ${args.events} events published to both instances, every client gets each exactly once, body unchanged`, async () => {
    const started = Date.now();
    bodies = await publishAll(pubs, args.events);
    const published = Date.now();
    await waitFor('deliveries', () => clients.every((c) => c.events.length >= args.events));
    const delivered = Date.now();
    await sleep(200);
    const outOfOrder = assertDelivered(clients, bodies, { ordered: false });
    // One Redis stream: every client sees the same offset for the same event.
    const offsets = new Map();
    for (const c of clients) {
      for (const e of c.events) {
        if (offsets.has(e.n)) assert.strictEqual(e.offset, offsets.get(e.n), `offset of event ${e.n}`);
        else offsets.set(e.n, e.offset);
      }
    }
    pubs.forEach((p) => assert.strictEqual(p.connects, 1, 'publishes reused one keep-alive connection'));
    return (
      `published in ${published - started} ms, all delivered ${delivered - published} ms later, ` +
      `${outOfOrder} clients saw events out of publish order`
    );
  });
  if (clients[0]) {
    const c = clients[0];
    console.log(`     open:       ${c.frames[0]}`);
    console.log(`     connect:    ${c.frames[1]}`);
    console.log(`     subscribed: ${c.subscribedFrame}`);
    const ev = c.frames.find((f) => f.startsWith('42["event"'));
    console.log(`     event:      ${ev && ev.replace(/"p":"x+"/, '"p":"xx..."')}`);
  }

  // Connection-state recovery: a client drops (no close handshake), misses
  // events, and reconnects to the *other* instance with its pid and offset.
  await check('socket.io: recovery replays missed events after reconnecting to the other instance', async () => {
    const first = await sioClient(ports[0], 'r', CHANNEL).ready;
    const { pid } = first.connect;
    await publishAll(pubs, 2, 1000);
    await waitFor('warm-up events', () => first.events.length >= 2);
    const offset = first.lastOffset;
    first.ws.terminate(); // like a lost network: the server keeps the session
    await waitFor('the drop', () => first.closed, 5000);
    await sleep(300); // the instance notices the close and stores the session in Redis
    const missed = await publishAll(pubs, 5, 2000);
    const again = await sioClient(ports[ports.length - 1], 'r2', CHANNEL, { pid, offset }).ready;
    await waitFor('missed events', () => again.events.length >= 5, 5000);
    assertDelivered([again], missed, { ordered: false });
    assert.strictEqual(again.connect.pid, pid, 'the recovered connect answer keeps the pid');
    assert.strictEqual(again.connect.sid, first.connect.sid, 'the recovered connect answer keeps the sid');
    // The recovered socket is back in its room: live events reach it too.
    const live = await publishAll(pubs, 3, 3000);
    await waitFor('live events after recovery', () => again.events.length >= 8, 5000);
    assertDelivered([again], new Map([...missed, ...live]), { ordered: false });
    console.log(`     reconnect:  40${JSON.stringify({ pid, offset })}`);
    // Observed: the missed events come first, the 40{...} answer last.
    const answer = again.frames.slice(1, 2 + missed.size).map((f) => (f.length > 64 ? `${f.slice(0, 64)}...` : f));
    console.log(`     answer:     ${answer.join('\n                 ')}`);
    again.ws.close();
    return `pid ${pid}`;
  });
  pubs.forEach((p) => p.close());
  await closeAll(clients);
}

// -------------------------------------------------------------------- main

async function main() {
  const children = [];
  let wsPort = args['ws-port'] && Number(args['ws-port']);
  let sioPorts = args['sio-ports'] && args['sio-ports'].split(',').map(Number);
  let redis = null;
  try {
    if (!wsPort) {
      const { child, match } = await startChild('ws-server', process.execPath, ['ws-server.js', '--port', '0'], /^READY (\d+)$/);
      children.push({ name: 'ws-server', child });
      wsPort = Number(match[1]);
    }
    if (!sioPorts) {
      const redisPort = await freePort();
      redis = (
        await startChild('redis-server', 'redis-server',
          ['--port', String(redisPort), '--bind', HOST, '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
          /Ready to accept connections/)
      ).child;
      sioPorts = [];
      for (let i = 0; i < 2; i++) {
        const { child, match } = await startChild(`socketio-server ${i}`, process.execPath,
          ['socketio-server.js', '--port', '0', '--redis', `redis://${HOST}:${redisPort}`], /^READY (\d+)$/);
        children.push({ name: `socketio-server ${i}`, child });
        sioPorts.push(Number(match[1]));
      }
      console.log(`     redis on ${redisPort}, ws-server on ${wsPort}, socketio-server on ${sioPorts.join(' and ')}`);
    }

    await checkWs(wsPort);
    await checkSocketIo(sioPorts);

    // Our children: nothing on stdout after READY; a closed stdin stops them,
    // and so does SIGTERM (tried on the last one).
    for (const [i, { name, child }] of children.entries()) {
      const bySignal = i === children.length - 1;
      await check(`${name}: only READY on stdout, exits 0 on ${bySignal ? 'SIGTERM' : 'stdin close'}`, async () => {
        assert.deepStrictEqual(child.extraStdout, [], 'stdout after READY');
        const started = Date.now();
        if (bySignal) child.kill('SIGTERM');
        else child.stdin.end();
        const { code, signal } = await waitExit(child, 5000);
        assert.strictEqual(code, 0, `exit code ${code} signal ${signal}`);
        return `${Date.now() - started} ms`;
      });
    }
  } finally {
    for (const { child } of children) if (child.exitCode === null) child.kill('SIGTERM');
    if (redis) {
      redis.kill('SIGTERM');
      await waitExit(redis, 5000).catch(() => redis.kill('SIGKILL'));
    }
  }
}

const overall = setTimeout(() => {
  console.log(`FAIL check did not finish within ${OVERALL_TIMEOUT_MS / 1000} s`);
  process.exit(1);
}, OVERALL_TIMEOUT_MS);

main()
  .catch((err) => {
    results.failed++;
    console.log(`FAIL ${err.stack || err}`);
  })
  .finally(() => {
    clearTimeout(overall);
    console.log(`check: ${results.passed} passed, ${results.failed} failed`);
    process.exit(results.failed ? 1 : 0);
  });
