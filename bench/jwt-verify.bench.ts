// Measures JWT verify cost per algorithm with jose, the input to the choice of the
// access-token signing algorithm (verify runs on every gateway cache miss).
import { generateKeyPair, jwtVerify, SignJWT } from 'jose';

const algs = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;
const iterations = 3000;
const rows: { alg: string; verifyPerSec: number; usPerVerify: number; signPerSec: number }[] = [];

for (const alg of algs) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: false });
  const claims = { scope: 'content:read leads:write', site: 's_1', installation: 'g1' };
  let t = performance.now();
  let token = '';
  for (let i = 0; i < 300; i++) {
    token = await new SignJWT(claims)
      .setProtectedHeader({ alg, typ: 'at+jwt' })
      .setIssuer('http://localhost:3000')
      .setAudience('http://localhost:8080')
      .setExpirationTime('10m')
      .sign(privateKey);
  }
  const signPerSec = 300 / ((performance.now() - t) / 1000);
  for (let i = 0; i < 200; i++) await jwtVerify(token, publicKey); // warm-up
  t = performance.now();
  for (let i = 0; i < iterations; i++) await jwtVerify(token, publicKey);
  const ms = performance.now() - t;
  rows.push({
    alg,
    verifyPerSec: Math.round(iterations / (ms / 1000)),
    usPerVerify: Math.round((ms * 1000) / iterations),
    signPerSec: Math.round(signPerSec),
  });
}
console.table(rows);
