#!/usr/bin/env node
/**
 * Prints one field of the service's JSON answer, read from stdin — for shell lines such as the
 * ones `npm run seed` prints and README's "Try it":
 *
 *   curl -s $BASE/api/checkout -H "$AUTH" | node tools/json-field.mjs data.transactionId
 *
 * An error answer (`{"success": false, "error": {"code", "message"}}`) stops it with exit 1 and the
 * service's code and message on stderr, so a script stops there instead of going on with
 * "undefined". Plain JavaScript with no dependency: node starts it in a few milliseconds.
 */
import { readFileSync } from 'node:fs';

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const path = process.argv[2];
if (!path) fail('usage: node tools/json-field.mjs FIELD.PATH (e.g. data.transactionId), with the answer on stdin');

let answer;
try {
  answer = JSON.parse(readFileSync(0, 'utf8'));
} catch {
  fail('not a JSON answer: is the service running at this BASE?');
}
if (answer?.success !== true) {
  fail(answer?.error ? `the service answered ${answer.error.code}: ${answer.error.message}` : `not an answer of the service: ${JSON.stringify(answer).slice(0, 200)}`);
}
const value = path.split('.').reduce((node, key) => (node === null || node === undefined ? undefined : node[key]), answer);
if (value === undefined) fail(`the answer has no ${path}`);
process.stdout.write(`${typeof value === 'object' ? JSON.stringify(value) : String(value)}\n`);
