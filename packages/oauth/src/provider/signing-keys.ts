import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

/** Members of a JWK that only the private key has (RFC 7518 §6). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** The signing keys of the access tokens: private ones for oidc-provider, public ones for the JWKS and the MCP servers. */
export interface SigningKeys {
  readonly privateKeys: JWK[];
  readonly publicKeys: { readonly keys: JWK[] };
  /** The algorithm of each key (`alg`, or ES256 / RS256 by type), the first signs. */
  readonly algorithms: string[];
}

function algorithmOf(key: JWK): string {
  if (key.alg) return key.alg;
  if (key.kty === 'EC') return key.crv === 'P-384' ? 'ES384' : key.crv === 'P-521' ? 'ES512' : 'ES256';
  if (key.kty === 'OKP') return 'EdDSA';
  return 'RS256';
}

/** Public part of a private JWK. */
export function publicJwk(key: JWK): JWK {
  return Object.fromEntries(Object.entries(key).filter(([member]) => !PRIVATE_MEMBERS.includes(member))) as JWK;
}

/** The given private keys (each with `kid`, `alg` and `use` filled in), or one ES256 key made now. */
export async function signingKeys(given?: Record<string, unknown>[]): Promise<SigningKeys> {
  let keys = (given ?? []) as JWK[];
  if (keys.length === 0) {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    keys = [{ ...(await exportJWK(privateKey)), alg: 'ES256' }];
  }
  const privateKeys = await Promise.all(
    keys.map(async (key) => ({ ...key, alg: algorithmOf(key), use: 'sig', kid: key.kid ?? (await calculateJwkThumbprint(publicJwk(key))) })),
  );
  return {
    privateKeys,
    publicKeys: { keys: privateKeys.map(publicJwk) },
    algorithms: [...new Set(privateKeys.map((key) => key.alg!))],
  };
}
