// Computes an SRP test vector with amazon-cognito-identity-js's own helper (an
// implementation independent of Cognate's), for crates/domain/src/auth/srp/vectors.json.
const AH = require('amazon-cognito-identity-js/lib/AuthenticationHelper.js').default;
const BigInteger = require('amazon-cognito-identity-js/lib/BigInteger.js').default;
const crypto = require('crypto');
const poolName = process.argv[2], user = process.argv[3], password = process.argv[4];
const saltHex = process.argv[5], aHex = process.argv[6], bHex = process.argv[7];
const h = new AH(poolName);
const salt = new BigInteger(saltHex, 16);
const x = new BigInteger(h.hexHash(h.padHex(salt) + h.hash(poolName + user + ':' + password)), 16);
h.g.modPow(x, h.N, (e, v) => {
  const b = new BigInteger(bHex, 16);
  h.g.modPow(b, h.N, (e2, gb) => {
    const B = h.k.multiply(v).add(gb).mod(h.N);
    h.smallAValue = new BigInteger(aHex, 16);
    h.largeAValue = undefined;
    h.getLargeAValue((e3, A) => {
      h.getPasswordAuthenticationKey(user, password, B, salt, (e4, key) => {
        const secretBlock = crypto.randomBytes(48);
        const ts = 'Mon Nov 30 01:02:03 UTC 2026';
        const sig = crypto.createHmac('sha256', key)
          .update(Buffer.concat([Buffer.from(poolName), Buffer.from(user), secretBlock, Buffer.from(ts)]))
          .digest('base64');
        console.log(JSON.stringify({ pool_name: poolName, user_id: user, password, salt: saltHex, a: aHex, b: bHex,
          A: A.toString(16), B: B.toString(16), v: v.toString(16), key: Buffer.from(key).toString('hex'),
          secret_block: secretBlock.toString('base64'), timestamp: ts, signature: sig }));
      });
    });
  });
});
