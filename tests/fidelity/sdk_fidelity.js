// Fidelity check of tests/fixtures/azure_emulator: the real Azure SDK for JavaScript
// (@azure/keyvault-secrets, -keys, -certificates, pinned in package-lock.json) talks to the
// emulator over real TLS with real host names and must read back what the admin API stored.
// Run through run_sdk_fidelity.sh (ctest azure_emulator.sdk_fidelity), which makes the test CA,
// sets NODE_EXTRA_CA_CERTS and finds the installed packages.
//
//   node sdk_fidelity.js --modules DIR --emulator azure_emulator.py --python python3 \
//                        --cert server.crt --key server.key --state-dir DIR
//
// Host names resolve nowhere: an https.Agent connects every request to the emulator's port on
// 127.0.0.1 (what curl's CONNECT_TO does for the C++ tests) while TLS still verifies the real
// name (SNI and certificate check use the URL's host). Exit 0 only when every check passed.
"use strict";

const assert = require("node:assert/strict");
const childProcess = require("node:child_process");
const http = require("node:http");
const https = require("node:https");
const path = require("node:path");
const readline = require("node:readline");
const tls = require("node:tls");
const { createRequire } = require("node:module");

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith("--") || argv[i + 1] === undefined) {
      throw new Error(`bad argument ${argv[i]}: use --name value pairs`);
    }
    args[argv[i].slice(2)] = argv[i + 1];
  }
  for (const required of ["modules", "emulator", "python", "cert", "key", "state-dir"]) {
    if (!args[required]) throw new Error(`missing --${required}`);
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
const sdkRequire = createRequire(path.join(args.modules, "package.json"));
const { SecretClient } = sdkRequire("@azure/keyvault-secrets");
const { KeyClient } = sdkRequire("@azure/keyvault-keys");
const { CertificateClient } = sdkRequire("@azure/keyvault-certificates");
const SDK_VERSIONS = ["keyvault-secrets", "keyvault-keys", "keyvault-certificates"].map(
  (name) => `@azure/${name}@${sdkRequire(`@azure/${name}/package.json`).version}`,
);

// -- the emulator --------------------------------------------------------------------------
function startEmulator() {
  const child = childProcess.spawn(
    args.python,
    [args.emulator, "--cert", args.cert, "--key", args.key, "--state-dir", args["state-dir"],
      "--page-size", "2"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  child.stderr.on("data", (chunk) => { log += chunk; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`emulator did not start:\n${log}`)), 20000);
    child.on("exit", (code) => reject(new Error(`emulator exited (${code}):\n${log}`)));
    readline.createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      const ports = JSON.parse(line);
      resolve({ child, ports, log: () => log });
    });
  });
}

function admin(port, method, route, body) {
  const payload = body === undefined ? "" : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: "127.0.0.1", port, method, path: `/admin/${route}`,
        headers: { "Content-Type": "application/json",
          "Content-Length": Buffer.byteLength(payload) } },
      (response) => {
        let text = "";
        response.on("data", (chunk) => { text += chunk; });
        response.on("end", () => {
          if (response.statusCode >= 300) {
            reject(new Error(`admin ${method} ${route}: ${response.statusCode} ${text}`));
          } else {
            resolve(JSON.parse(text));
          }
        });
      },
    );
    request.on("error", reject);
    request.end(payload);
  });
}

// Every connection goes to the emulator; the TLS server name stays the URL's host.
class EmulatorAgent extends https.Agent {
  constructor(port) {
    super({ keepAlive: true });
    this.emulatorPort = port;
  }

  createConnection(options, callback) {
    const serverName = options.servername || options.host;
    const socket = tls.connect({ ...options, host: "127.0.0.1", port: this.emulatorPort,
      servername: serverName });
    if (callback) socket.once("secureConnect", () => callback(null, socket));
    return socket;
  }
}

// -- a static credential: tokens from the emulator's Entra ID endpoint for a registered SP ---
function tokenCredential(agent, clientId, clientSecret, seen) {
  return {
    async getToken(scopes, options = {}) {
      const scopeList = Array.isArray(scopes) ? scopes : [scopes];
      seen.push({ scopes: scopeList, tenantId: options.tenantId });
      const form = new URLSearchParams({
        grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret,
        scope: scopeList.join(" "),
      }).toString();
      const answer = await new Promise((resolve, reject) => {
        const request = https.request(
          { host: "login.microsoftonline.com", method: "POST", agent,
            path: `/${options.tenantId}/oauth2/v2.0/token`,
            headers: { "Content-Type": "application/x-www-form-urlencoded",
              "Content-Length": Buffer.byteLength(form) } },
          (response) => {
            let text = "";
            response.on("data", (chunk) => { text += chunk; });
            response.on("end", () => resolve({ status: response.statusCode, text }));
          },
        );
        request.on("error", reject);
        request.end(form);
      });
      if (answer.status !== 200) throw new Error(`token request: ${answer.status} ${answer.text}`);
      const body = JSON.parse(answer.text);
      return { token: body.access_token, expiresOnTimestamp: Date.now() + body.expires_in * 1000 };
    },
  };
}

function clientOptions(agent) {
  return {
    serviceVersion: "7.4",
    retryOptions: { maxRetries: 0 },
    additionalPolicies: [{
      position: "perCall",
      policy: { name: "emulatorAgent", sendRequest: (request, next) => {
        request.agent = agent;
        return next(request);
      } },
    }],
  };
}

// -- checks --------------------------------------------------------------------------------
const results = [];
async function check(name, body) {
  try {
    await body();
    results.push({ name, ok: true });
    console.log(`ok   ${name}`);
  } catch (error) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}\n     ${String(error.stack || error).split("\n").join("\n     ")}`);
  }
}

async function collect(iterator) {
  const items = [];
  for await (const item of iterator) items.push(item);
  return items;
}

const fromB64Url = (text) => Buffer.from(text, "base64url");
const bytes = (value) => Buffer.from(value);

async function rejectsWith(promise, statusCode, code) {
  await assert.rejects(promise, (error) => {
    assert.equal(error.statusCode, statusCode, `status of ${error.message}`);
    assert.equal(error.code, code, `code of ${error.message}`);
    return true;
  });
}

async function main() {
  console.log(`Azure SDK fidelity check with ${SDK_VERSIONS.join(", ")} ` +
    `on node ${process.version}`);
  const emulator = await startEmulator();
  const adminPort = emulator.ports.http_port;
  const call = (method, route, body) => admin(adminPort, method, route, body);
  const agent = new EmulatorAgent(emulator.ports.https_port);
  try {
    const vault = "fidelity";
    const vaultUrl = `https://${vault}.vault.azure.net`;
    await call("POST", "identities", { kind: "servicePrincipal", clientId: "fidelity-sp",
      clientSecret: "fidelity-sp-secret", vaults: [vault, "foreign"] });
    const seenTokenRequests = [];
    const credential =
      tokenCredential(agent, "fidelity-sp", "fidelity-sp-secret", seenTokenRequests);
    const secrets = new SecretClient(vaultUrl, credential, clientOptions(agent));
    const keys = new KeyClient(vaultUrl, credential, clientOptions(agent));
    const certificates = new CertificateClient(vaultUrl, credential, clientOptions(agent));
    const settings = (await call("GET", "state")).settings;

    // Five versions of one secret; the page size of 2 makes the version list three pages.
    const plainVersions = [];
    for (let i = 1; i <= 5; i++) {
      plainVersions.push(await call("POST", "secrets", { vault, name: "plain", value: `value-${i}`,
        contentType: i === 5 ? "text/plain" : undefined }));
    }

    await check("secret: latest value, contentType, id and version", async () => {
      const secret = await secrets.getSecret("plain");
      assert.equal(secret.value, "value-5");
      assert.equal(secret.properties.contentType, "text/plain");
      assert.equal(secret.properties.version, plainVersions[4].version);
      assert.equal(secret.properties.id, plainVersions[4].id);
      assert.equal(secret.properties.vaultUrl, vaultUrl);
      assert.equal(secret.properties.enabled, true);
      assert.equal(secret.properties.createdOn.getTime(), plainVersions[4].created * 1000);
    });
    await check("secret: the challenge came first, with the emulator's tenant", async () => {
      const counters = await call("GET", "counters");
      assert.equal(counters["kv-401-challenge"].total, 1);
      assert.equal(counters["kv-401-challenge"].withAuthorization, 0);
      assert.deepEqual(seenTokenRequests[0].scopes, ["https://vault.azure.net/.default"]);
      assert.equal(seenTokenRequests[0].tenantId, settings.defaultTenant);
    });
    await check("secret: a specific version", async () => {
      const secret = await secrets.getSecret("plain", { version: plainVersions[1].version });
      assert.equal(secret.value, "value-2");
      assert.equal(secret.properties.version, plainVersions[1].version);
    });
    await check("secret: version list across pages (nextLink)", async () => {
      const before = (await call("GET", "counters"))["kv-list"]?.total ?? 0;
      const listed = await collect(secrets.listPropertiesOfSecretVersions("plain"));
      assert.deepEqual(listed.map((p) => p.version).sort(),
        plainVersions.map((v) => v.version).sort());
      assert.deepEqual(listed.map((p) => p.createdOn.getTime()).sort(),
        plainVersions.map((v) => v.created * 1000).sort());
      const after = (await call("GET", "counters"))["kv-list"].total;
      assert.equal(after - before, 3, "5 versions at 2 per page are 3 list requests");
    });
    await check("secret: a disabled version answers 403 Forbidden", async () => {
      await call("POST", "attributes", { vault, type: "secret", name: "plain",
        version: plainVersions[0].version, enabled: false });
      await rejectsWith(secrets.getSecret("plain", { version: plainVersions[0].version }),
        403, "Forbidden");
      const listed = await collect(secrets.listPropertiesOfSecretVersions("plain"));
      assert.equal(listed.find((p) => p.version === plainVersions[0].version).enabled, false);
    });
    await check("secret: missing secret is 404 SecretNotFound", async () => {
      await rejectsWith(secrets.getSecret("does-not-exist"), 404, "SecretNotFound");
    });
    await check("secret: missing version is 404 SecretNotFound", async () => {
      await rejectsWith(secrets.getSecret("plain", { version: "0".repeat(32) }), 404,
        "SecretNotFound");
    });

    // Keys.
    const rsa = await call("POST", "keys", { vault, name: "rsa", kty: "RSA", size: 2048 });
    const ec256 = await call("POST", "keys", { vault, name: "ec256", kty: "EC", crv: "P-256" });
    const ec384 = await call("POST", "keys", { vault, name: "ec384", kty: "EC-HSM", crv: "P-384" });
    const ec521 = await call("POST", "keys", { vault, name: "ec521", kty: "EC", crv: "P-521" });
    const rsaHsm = await call("POST", "keys", { vault, name: "rsahsm", kty: "RSA-HSM" });
    await check("key: RSA JWK n, e, kty, key_ops, kid", async () => {
      const key = await keys.getKey("rsa");
      assert.equal(key.keyType, "RSA");
      assert.equal(key.key.kid, rsa.kid);
      assert.deepEqual(bytes(key.key.n), fromB64Url(rsa.jwk.n));
      assert.deepEqual(bytes(key.key.e), fromB64Url(rsa.jwk.e));
      assert.equal(bytes(key.key.n).length, 256);
      assert.deepEqual(key.keyOperations, rsa.jwk.key_ops);
      assert.equal(key.properties.version, rsa.version);
    });
    await check("key: RSA-HSM label", async () => {
      const key = await keys.getKey("rsahsm");
      assert.equal(key.keyType, "RSA-HSM");
      assert.deepEqual(bytes(key.key.n), fromB64Url(rsaHsm.jwk.n));
    });
    for (const [name, made, curve, size] of [["ec256", ec256, "P-256", 32],
      ["ec384", ec384, "P-384", 48], ["ec521", ec521, "P-521", 66]]) {
      await check(`key: EC ${curve} JWK crv, x, y`, async () => {
        const key = await keys.getKey(name);
        assert.equal(key.key.crv, curve);
        assert.deepEqual(bytes(key.key.x), fromB64Url(made.jwk.x));
        assert.deepEqual(bytes(key.key.y), fromB64Url(made.jwk.y));
        assert.equal(bytes(key.key.x).length, size);
      });
    }
    await check("key: version list after a rotation, and a specific version", async () => {
      const rotated = await call("POST", "rotate", { vault, type: "key", name: "rsa" });
      const listed = await collect(keys.listPropertiesOfKeyVersions("rsa"));
      assert.deepEqual(listed.map((p) => p.version).sort(), [rsa.version, rotated.version].sort());
      const old = await keys.getKey("rsa", { version: rsa.version });
      assert.deepEqual(bytes(old.key.n), fromB64Url(rsa.jwk.n));
      const latest = await keys.getKey("rsa");
      assert.equal(latest.properties.version, rotated.version);
    });
    await check("key: missing key is 404 KeyNotFound", async () => {
      await rejectsWith(keys.getKey("no-such-key"), 404, "KeyNotFound");
    });

    // Certificates and the secrets behind them.
    const pfx = await call("POST", "certificates", { vault, name: "cert-pfx", issuer: "chain",
      contentType: "application/x-pkcs12", pfxEncryption: "aes" });
    const legacy = await call("POST", "certificates", { vault, name: "cert-legacy", keyType: "EC",
      issuer: "self", contentType: "application/x-pkcs12", pfxEncryption: "legacy" });
    const pem = await call("POST", "certificates", { vault, name: "cert-pem", issuer: "chain",
      contentType: "application/x-pem-file" });
    await check("certificate: cer bytes, ids and thumbprint", async () => {
      const cert = await certificates.getCertificate("cert-pfx");
      assert.deepEqual(bytes(cert.cer), Buffer.from(pfx.cer, "base64"));
      assert.equal(cert.properties.version, pfx.version);
      assert.equal(cert.keyId, pfx.kid);
      assert.equal(cert.secretId, pfx.sid);
      assert.deepEqual(bytes(cert.properties.x509Thumbprint), fromB64Url(pfx.x5t));
      assert.equal(cert.policy.contentType, "application/x-pkcs12");
    });
    await check("certificate: a specific version and the version list", async () => {
      const rotated =
        await call("POST", "rotate", { vault, type: "certificate", name: "cert-pem" });
      const old = await certificates.getCertificateVersion("cert-pem", pem.version);
      assert.deepEqual(bytes(old.cer), Buffer.from(pem.cer, "base64"));
      const listed = await collect(certificates.listPropertiesOfCertificateVersions("cert-pem"));
      assert.deepEqual(listed.map((p) => p.version).sort(), [pem.version, rotated.version].sort());
    });
    await check("certificate: the backing secret (PKCS#12, AES) with kid and managed", async () => {
      const secret = await secrets.getSecret("cert-pfx");
      assert.equal(secret.value, pfx.secretValue);
      assert.equal(secret.properties.contentType, "application/x-pkcs12");
      assert.equal(secret.properties.certificateKeyId, pfx.kid);
      assert.equal(secret.properties.managed, true);
      assert.equal(secret.properties.version, pfx.version);
    });
    await check("certificate: secret (PKCS#12, legacy) and key of an EC certificate", async () => {
      const secret = await secrets.getSecret("cert-legacy");
      assert.equal(secret.value, legacy.secretValue);
      const key = await keys.getKey("cert-legacy");
      assert.equal(key.keyType, "EC");
      assert.equal(key.properties.managed, true);
      assert.equal(key.key.kid, legacy.kid);
    });
    await check("certificate: the backing secret (PEM) of a certificate with a chain", async () => {
      const secret = await secrets.getSecret("cert-pem", { version: pem.version });
      assert.equal(secret.value, pem.secretValue);
      assert.equal(secret.properties.contentType, "application/x-pem-file");
      assert.match(secret.value, /^-----BEGIN PRIVATE KEY-----/);
      assert.equal((secret.value.match(/BEGIN CERTIFICATE/g) || []).length, 3);
    });
    await check("certificate: missing certificate is 404 CertificateNotFound", async () => {
      await rejectsWith(certificates.getCertificate("no-such-cert"), 404, "CertificateNotFound");
    });

    await check("each client paid one challenge and asked for tokens once", async () => {
      const counters = await call("GET", "counters");
      assert.equal(counters["kv-401-challenge"].total, 3);
      assert.equal(counters.token.total, seenTokenRequests.length);
      assert.equal(seenTokenRequests.length, 3, "one token per client, then cached");
    });

    await check("a vault advertising a foreign resource is refused by the SDK", async () => {
      await call("POST", "vaults",
        { vault: "foreign", challengeResource: "https://vault.foreign.test" });
      await call("POST", "secrets", { vault: "foreign", name: "s", value: "never read" });
      const client =
        new SecretClient("https://foreign.vault.azure.net", credential, clientOptions(agent));
      await assert.rejects(client.getSecret("s"), /does not match the requested domain/);
    });

    await check("an injected 429 with Retry-After reaches the SDK as a 429", async () => {
      await call("POST", "faults", { host: "^fidelity\\.", path: "/secrets/plain", status: 429,
        headers: { "Retry-After": "1" }, count: 1 });
      await rejectsWith(secrets.getSecret("plain"), 429, "Throttled");
      assert.equal((await secrets.getSecret("plain")).value, "value-5");
    });
  } finally {
    agent.destroy();
    emulator.child.kill("SIGTERM");
  }
  const failed = results.filter((r) => !r.ok).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  if (failed > 0 || results.length === 0) process.exitCode = 1;
}

main().catch((error) => {
  console.error(`sdk fidelity: ${error.stack || error}`);
  process.exitCode = 1;
});
