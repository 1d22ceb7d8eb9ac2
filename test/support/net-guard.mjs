/**
 * Preloaded into the CLI under test (NODE_OPTIONS=--import=<this file>): every outbound connection
 * and name lookup goes through here. Anything but the allowed Ollama host is written to the log file
 * and refused before a packet leaves (the socket is destroyed with EBLOCKED). Plain JS, because it
 * runs inside the built CLI, not through the TypeScript toolchain.
 *
 *   FIELD_NET_GUARD_LOG    file to append one JSON line per attempt
 *   FIELD_NET_GUARD_ALLOW  comma-separated host:port pairs that may be reached (the Ollama host)
 */
import net from 'node:net';
import dns from 'node:dns';
import dgram from 'node:dgram';
import { appendFileSync } from 'node:fs';
import process from 'node:process';

const logFile = process.env.FIELD_NET_GUARD_LOG;
const allowed = new Set((process.env.FIELD_NET_GUARD_ALLOW ?? '').split(',').map((s) => s.trim()).filter(Boolean));
const allowedHosts = new Set([...allowed].map((hp) => hp.slice(0, hp.lastIndexOf(':')).replace(/^\[|\]$/g, '')));

function record(kind, target) {
  if (logFile) appendFileSync(logFile, `${JSON.stringify({ kind, target, pid: process.pid, argv: process.argv.slice(2) })}\n`);
}

function blocked(target) {
  return Object.assign(new Error(`net-guard: connection to ${target} blocked (field must reach only the Ollama host)`), { code: 'EBLOCKED' });
}

/** The shapes Socket#connect accepts: (options[, cb]), (port[, host][, cb]), (path[, cb]), or net's normalized [options, cb]. */
function targetOf(args) {
  let first = args[0];
  if (Array.isArray(first)) first = first[0];
  if (first && typeof first === 'object') {
    if (first.path) return { path: String(first.path) };
    return { host: first.host ?? 'localhost', port: Number(first.port) };
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: Number(first) };
  }
  return { path: String(first) };
}

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const t = targetOf(args);
  const label = t.path ? `unix:${t.path}` : `${t.host}:${t.port}`;
  if (t.path || !allowed.has(label)) {
    record('connect', label);
    process.nextTick(() => this.destroy(blocked(label)));
    return this;
  }
  return originalConnect.apply(this, args);
};

function guardLookup(original) {
  return function guardedLookup(hostname, ...rest) {
    if (!allowedHosts.has(String(hostname))) record('dns', String(hostname));
    return original.call(this, hostname, ...rest);
  };
}
dns.lookup = guardLookup(dns.lookup);
dns.promises.lookup = guardLookup(dns.promises.lookup);
for (const name of ['resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveTxt', 'resolveSrv', 'reverse']) {
  const original = dns[name];
  dns[name] = function guardedResolve(hostname, ...rest) {
    record('dns', String(hostname));
    return original.call(this, hostname, ...rest);
  };
}

for (const name of ['send', 'connect']) {
  const original = dgram.Socket.prototype[name];
  dgram.Socket.prototype[name] = function guardedUdp(...args) {
    record('udp', JSON.stringify(args.filter((a) => typeof a !== 'function' && !(a instanceof Uint8Array)).slice(0, 3)));
    return original.apply(this, args);
  };
}
