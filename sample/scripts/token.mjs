#!/usr/bin/env node
// Prints an HS256 access token for the sample's protected server (/secure/mcp):
//   npm run token -- --sub alice --scope "notes:read notes:write" [--expires-in 3600]
// Uses the same environment as the server: SAMPLE_JWT_SECRET, SAMPLE_JWT_ISSUER, SAMPLE_JWT_AUDIENCE
// (defaults: dev-secret-change-me, nestmcp-sample, http://127.0.0.1:3000/secure/mcp).
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';

const { values } = parseArgs({
  options: {
    sub: { type: 'string', default: 'alice' },
    scope: { type: 'string', default: 'notes:read' },
    'expires-in': { type: 'string', default: '3600' },
    'client-id': { type: 'string', default: 'sample-cli' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log('Usage: npm run token -- --sub alice --scope "notes:read notes:write" [--expires-in 3600] [--client-id sample-cli]');
  process.exit(0);
}

const expiresIn = Number(values['expires-in']);
if (!Number.isInteger(expiresIn) || expiresIn <= 0) {
  console.error(`--expires-in must be a positive number of seconds, got "${values['expires-in']}"`);
  process.exit(1);
}

const secret = process.env.SAMPLE_JWT_SECRET ?? 'dev-secret-change-me';
const issuer = process.env.SAMPLE_JWT_ISSUER ?? 'nestmcp-sample';
const audience = process.env.SAMPLE_JWT_AUDIENCE ?? 'http://127.0.0.1:3000/secure/mcp';
const now = Math.floor(Date.now() / 1000);

const token = await new SignJWT({ scope: values.scope, client_id: values['client-id'] })
  .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
  .setSubject(values.sub)
  .setIssuer(issuer)
  .setAudience(audience)
  .setIssuedAt(now)
  .setExpirationTime(now + expiresIn)
  .sign(new TextEncoder().encode(secret));

process.stdout.write(`${token}\n`);
