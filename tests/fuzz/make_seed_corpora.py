#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/<target>/ (committed; run again only to change
them). Seeds are small, realistic inputs in the shapes the parsers meet in production:
SecretProviderClasses from config/spc, Key Vault and Entra ID answers in the shapes of
tests/fixtures/azure_emulator/README.md, kubeconfigs as kind and kubeadm write them, CSI requests
as the kubelet sends them (serialized with protoc --encode), and PEM/PFX material made here with
the openssl command line (EC keys, so that files stay small; one RSA key for the RSA paths).

Usage: tests/fuzz/make_seed_corpora.py [--target NAME]   (default: every target)
Needs: python3, openssl, protoc (protobuf-compiler, from scripts/setup).
"""

import argparse
import base64
import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CORPUS = HERE / "corpus"

POD_UID = "0d9c6b4e-6d0f-4b7e-9a43-3f1c2a7d5e10"
TARGET = f"/var/lib/kubelet/pods/{POD_UID}/volumes/kubernetes.io~csi/secrets-store-inline/mount"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
CLIENT_ID = "11111111-1111-1111-1111-111111111111"
# Unsigned JWT-shaped strings: the parsers only see their shape.
SA_TOKEN = ("eyJhbGciOiJSUzI1NiIsImtpZCI6InNhLWtleSJ9.eyJhdWQiOlsiYXBpOi8vQXp1cmVBRFRva2VuRXhjaGFu"
            "Z2UiXSwiZXhwIjoxNzAwMDAzNjAwLCJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVmYXVsdDphcHAifQ"
            ".c2lnbmF0dXJl")
ACCESS_TOKEN = ("eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL3ZhdWx0LmF6dXJlLm5ldCIs"
                "ImV4cCI6MTcwMDAwMzYwMH0.c2lnbmF0dXJlLWJ5dGVz")


def run(*args, stdin=None, cwd=None):
    return subprocess.run(args, input=stdin, cwd=cwd, check=True, capture_output=True).stdout


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Pki:
    """An EC chain root -> intermediate -> leaf with SKI/AKI, an RSA leaf, and PFX files."""

    def __init__(self, work):
        self.dir = pathlib.Path(work)
        ext = self.dir / "ext.cnf"
        ext.write_text(
            "[ca]\nbasicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\n"
            "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n"
            "[leaf]\nbasicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\n"
            "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:web.example.com\n"
            "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n")
        self._key("root", "P-256")
        self._key("int", "P-256")
        self._key("leaf", "P-256")
        run("openssl", "req", "-x509", "-new", "-key", self.p("root.key"), "-subj", "/CN=Fuzz Root CA",
            "-days", "3650", "-sha256", "-extensions", "ca", "-config", self._req_config(),
            "-out", self.p("root.crt"))
        self._sign("int", "/CN=Fuzz Intermediate CA", "root", "ca")
        self._sign("leaf", "/CN=web.example.com", "int", "leaf")
        run("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024",
            "-out", self.p("rsa.key"))
        run("openssl", "req", "-x509", "-new", "-key", self.p("rsa.key"), "-subj", "/CN=rsa.example.com",
            "-days", "3650", "-sha256", "-out", self.p("rsa.crt"), "-config", self._req_config())
        chain = self.text("int.crt") + self.text("root.crt")
        (self.dir / "chain.pem").write_text(chain)

    def p(self, name):
        return str(self.dir / name)

    def text(self, name):
        return (self.dir / name).read_text()

    def der(self, name):
        return run("openssl", "x509", "-in", self.p(name), "-outform", "DER")

    def _req_config(self):
        path = self.dir / "req.cnf"
        path.write_text("[req]\ndistinguished_name=dn\n[dn]\n" + (self.dir / "ext.cnf").read_text())
        return str(path)

    def _key(self, name, curve):
        run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", f"ec_paramgen_curve:{curve}",
            "-out", self.p(f"{name}.key"))

    def _sign(self, name, subject, issuer, section):
        csr = run("openssl", "req", "-new", "-key", self.p(f"{name}.key"), "-subj", subject,
                  "-config", self._req_config())
        run("openssl", "x509", "-req", "-CA", self.p(f"{issuer}.crt"), "-CAkey",
            self.p(f"{issuer}.key"), "-set_serial", str({"int": 2, "leaf": 3}[name]), "-days", "3650",
            "-sha256", "-extfile", self.p("ext.cnf"), "-extensions", section,
            "-out", self.p(f"{name}.crt"), stdin=csr)

    def pkcs8(self, name):
        return run("openssl", "pkcs8", "-topk8", "-nocrypt", "-in", self.p(f"{name}.key")).decode()

    def sec1(self, name):
        return run("openssl", "ec", "-in", self.p(f"{name}.key")).decode()

    def pkcs1(self, name):
        return run("openssl", "rsa", "-traditional", "-in", self.p(f"{name}.key")).decode()

    def pfx(self, *extra, key="leaf", certs="leaf.crt", chain=True):
        args = ["openssl", "pkcs12", "-export", "-passout", "pass:", "-in", self.p(certs)]
        if key:
            args += ["-inkey", self.p(f"{key}.key")]
        if chain:
            args += ["-certfile", self.p("chain.pem")]
        return run(*args, *extra)

    def public_der(self, name):
        return run("openssl", "pkey", "-in", self.p(f"{name}.key"), "-pubout", "-outform", "DER")

    def ec_jwk(self, curve):
        name = f"jwk-{curve}"
        self._key(name, curve)
        size = {"P-256": 32, "P-384": 48, "P-521": 66}[curve]
        point = self.public_der(name)[-(2 * size + 1):]
        assert point[0] == 4
        return {"kty": "EC", "crv": curve, "x": b64url(point[1:1 + size]), "y": b64url(point[1 + size:])}

    def rsa_jwk(self):
        text = run("openssl", "rsa", "-in", self.p("rsa.key"), "-noout", "-modulus").decode()
        modulus = bytes.fromhex(text.strip().split("=", 1)[1])
        return {"kty": "RSA", "n": b64url(modulus), "e": "AQAB"}


class Writer:
    def __init__(self, only):
        self.only = only
        self.written = 0

    def target(self, name, seeds):
        if self.only and name != self.only:
            return
        directory = CORPUS / name
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
        for label, data in seeds:
            if isinstance(data, str):
                data = data.encode()
            digest = hashlib.sha1(data).hexdigest()[:12]
            (directory / f"{label}-{digest}").write_bytes(data)
            self.written += 1


def fields(*parts):
    return b"\0".join(p.encode() if isinstance(p, str) else p for p in parts)


def vault_id(collection, name, version="4f7c3b2a1e0d4c5b9a8f7e6d5c4b3a29"):
    return f"https://kv.vault.azure.net/{collection}/{name}/{version}"


def attributes(**extra):
    base = {
        "csi.storage.k8s.io/pod.name": "web-7d4b9c6f8-x2x9q",
        "csi.storage.k8s.io/pod.namespace": "default",
        "csi.storage.k8s.io/pod.uid": POD_UID,
        "csi.storage.k8s.io/serviceAccount.name": "web",
        "csi.storage.k8s.io/ephemeral": "true",
        "secretProviderClass": "azure-kv",
        "keyvaultName": "kv",
        "tenantID": TENANT,
    }
    base.update(extra)
    return json.dumps(base, indent=None)


OBJECTS_ALL_FIELDS = """array:
  - |
    objectName: db-password
    objectType: secret
    objectVersion: ""
  - |
    objectName: api-key
    objectAlias: keys/api-key
    objectType: secret
    objectVersionHistory: 3
    filePermission: "0600"
  - |
    objectName: signing-key
    objectType: key
  - |
    objectName: root-ca
    objectType: cert
    filePermission: 0644
  - |
    objectName: web-tls
    objectType: secret
    objectFormat: pfx
    objectEncoding: base64
"""

OBJECTS_SIMPLE = """array:
  - |
    objectName: db-password
    objectType: secret
"""


def tokens_json(audience):
    return json.dumps({audience: {"token": SA_TOKEN, "expirationTimestamp": "2030-01-01T00:00:00Z"}})


def azure_params(w):
    objects_from_config = []
    for spc in sorted((ROOT / "config" / "spc").glob("azure-*.yaml")):
        text = spc.read_text()
        start = text.index("objects: |")
        body = "\n".join(line[6:] for line in text[start:].splitlines()[1:])
        objects_from_config.append((spc.stem, body + "\n"))
    mount = [
        ("workload-identity", fields(attributes(
            clientID=CLIENT_ID, objects=OBJECTS_ALL_FIELDS,
            **{"csi.storage.k8s.io/serviceAccount.tokens": tokens_json("api://AzureADTokenExchange")}),
            "{}")),
        ("service-principal", fields(attributes(objects=OBJECTS_SIMPLE),
                                     json.dumps({"clientid": CLIENT_ID, "clientsecret": "s3cr3t~Q8Q~abcdefghijklmnop"}))),
        ("vm-identity", fields(attributes(useVMManagedIdentity="true",
                                          userAssignedIdentityID=CLIENT_ID, objects=OBJECTS_SIMPLE), "null")),
        ("pod-identity", fields(attributes(usePodIdentity="True", objects=OBJECTS_SIMPLE), "{}")),
        ("identity-binding", fields(attributes(
            useAzureTokenProxy="true", clientID=CLIENT_ID, objects=OBJECTS_SIMPLE,
            **{"csi.storage.k8s.io/serviceAccount.tokens": tokens_json("api://AKSIdentityBinding")}), "{}")),
        ("azure-stack", fields(attributes(
            cloudName="AzureStackCloud", cloudEnvFileName="/etc/kubernetes/azurestackcloud.json",
            useVMManagedIdentity="true", objects=OBJECTS_SIMPLE), "{}")),
        ("legacy-tenant-key", fields(attributes(tenantId=TENANT, tenantID="", objects=OBJECTS_SIMPLE,
                                                useVMManagedIdentity="1"), "{}")),
        ("duplicate-paths", fields(attributes(useVMManagedIdentity="true", objects=(
            "array:\n  - |\n    objectName: a\n  - |\n    objectName: b\n    objectAlias: a\n")), "{}")),
        ("secrets-mixed-case", fields(attributes(objects=OBJECTS_SIMPLE),
                                      json.dumps({"ClientID": CLIENT_ID, "ClientSecret": "s3cr3t-value-0123456789"}))),
    ]
    w.target("fuzz_azure_mount_request", mount)
    objects = [(name, body) for name, body in objects_from_config] + [
        ("all-fields", OBJECTS_ALL_FIELDS),
        ("flow-style", 'array: ["objectName: a\\nobjectType: secret", "{objectName: b, objectType: key}"]\n'),
        ("anchors", "array:\n  - &o |\n    objectName: a\n  - *o\n"),
        ("history-octal", "array:\n  - |\n    objectName: h\n    objectVersionHistory: 0x10\n    filePermission: 0o755\n"),
        ("quoted-scalars", "array:\n  - \"objectName: \\\"x y\\\"\\nobjectEncoding: hex\"\n"),
        ("nested-dirs", "array:\n  - |\n    objectName: a\n    objectAlias: dir/a\n  - |\n    objectName: b\n    objectAlias: dir\n"),
    ]
    w.target("fuzz_azure_objects", objects)


def azure_challenge(w):
    w.target("fuzz_azure_challenge", [
        ("public", 'Bearer authorization="https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47", '
                   'resource="https://vault.azure.net"'),
        ("scope", 'Bearer authorization="https://login.microsoftonline.com/common", '
                  'scope="https://vault.azure.net/.default"'),
        ("uri-unquoted", "Bearer authorization_uri=https://login.windows.net/tenant resource=https://vault.azure.net"),
        ("china", fields('Bearer authorization="https://login.chinacloudapi.cn/t", resource="https://vault.azure.cn"',
                         "https://kv.vault.azure.cn/")),
        ("two-schemes", fields('PoP nonce="abc", Basic realm="x", Bearer authorization="https://login.stack.test/t", '
                               'resource="https://vault.stack.test"', "https://kv.vault.stack.test/")),
        ("spoofed", 'Bearer authorization="https://login.microsoftonline.com/t", resource="https://attacker.example"'),
        ("escapes", 'Bearer resource="https://vault.azure.net\\"/x", scope = "a b"'),
    ])


def azure_tokens(w):
    entra = json.dumps({"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599,
                        "access_token": ACCESS_TOKEN})
    imds = json.dumps({"access_token": ACCESS_TOKEN, "client_id": CLIENT_ID, "expires_in": "86399",
                       "expires_on": "1700086399", "ext_expires_in": "86399", "not_before": "1699999699",
                       "resource": "https://vault.azure.net", "token_type": "Bearer"})
    nmi = json.dumps({"token": {"access_token": ACCESS_TOKEN, "expires_on": "1700086399",
                                "resource": "https://vault.azure.net", "token_type": "Bearer"},
                      "clientid": CLIENT_ID})
    bad_client = json.dumps({"error": "invalid_client",
                             "error_description": "AADSTS7000215: Invalid client secret provided. Ensure the "
                                                  "secret being sent in the request is the client secret value.\r\n"
                                                  "Trace ID: 0000\r\nCorrelation ID: 1111",
                             "error_codes": [7000215], "timestamp": "2024-01-01 00:00:00Z"})
    w.target("fuzz_azure_token_answer", [
        ("entra-ok", fields("200 E\n", entra)),
        ("imds-ok", fields("200 I\n", imds)),
        ("nmi-ok", fields("200 N\n", nmi)),
        ("entra-invalid-client", fields("400 E\n", bad_client)),
        ("entra-throttled", fields("429 E\nretry-after: 30\n", json.dumps({"error": "temporarily_unavailable"}))),
        ("imds-date", fields("503 I\nretry-after: Wed, 21 Oct 2015 07:28:00 GMT\n", "upstream busy")),
        ("nested-error", fields("500 E\nretry-after-ms: 1500\nx-ms-retry-after-ms: 200\n",
                                json.dumps({"error": {"code": "InternalError", "message": "try later\nsecond line"}}))),
        ("nmi-404", fields("404 N\n", "no AzureIdentityBinding for pod default/web " + ACCESS_TOKEN)),
        ("no-answer", fields("0\n", "")),
        ("float-expiry", fields("200 E\n", json.dumps({"access_token": "opaque-token-value", "expires_in": 3599.5}))),
    ])


def keyvault(w, pki):
    pem_value = pki.pkcs8("leaf") + pki.text("leaf.crt") + pki.text("int.crt") + pki.text("root.crt")
    pfx_value = base64.b64encode(pki.pfx()).decode()
    attributes_ = {"enabled": True, "created": 1700000000, "updated": 1700000000, "recoveryLevel": "Recoverable+Purgeable"}
    secret = lambda value, **extra: json.dumps({"value": value, "id": vault_id("secrets", "s"),
                                                 "attributes": attributes_, "tags": {}, **extra})
    cert_backed = lambda value, ctype: secret(value, contentType=ctype, kid=vault_id("keys", "s"), managed=True)
    rsa = pki.rsa_jwk()
    key = lambda jwk: json.dumps({"key": {"kid": vault_id("keys", "k"), "key_ops": ["sign", "verify"], **jwk},
                                  "attributes": attributes_, "tags": {}})
    versions = lambda coll, field: json.dumps({"value": [
        {field: vault_id(coll, "s", "0" * 31 + str(i)),
         "attributes": {"enabled": i != 1, "created": 1700000000 + i}} for i in range(3)] + [{"x": 1}],
        "nextLink": "https://kv.vault.azure.net/" + coll + "/s/versions?api-version=7.4&$skiptoken=abc&maxresults=3"})
    cer = base64.b64encode(pki.der("leaf.crt")).decode()
    w.target("fuzz_azure_keyvault_json", [
        ("secret", fields("s", secret("correct-horse-battery-staple"))),
        ("secret-base64", fields("sb", secret("aGVsbG8gd29ybGQ="))),
        ("secret-hex", fields("sh", secret("68656c6c6f"))),
        ("pem", fields("s", cert_backed(pem_value, "application/x-pem-file"))),
        ("pem-split", fields("sS", cert_backed(pem_value, "application/x-pem-file"))),
        ("pfx", fields("s", cert_backed(pfx_value, "application/x-pkcs12"))),
        ("pfx-split-nochain", fields("sSN", cert_backed(pfx_value, "application/x-pkcs12"))),
        ("pfx-passthrough", fields("sp", cert_backed(pfx_value, "application/x-pkcs12"))),
        ("unknown-type", fields("s", cert_backed("x", "application/json"))),
        ("key-rsa", fields("k", key(rsa))),
        ("key-ec", fields("k", key(pki.ec_jwk("P-256")))),
        ("cert", fields("c", json.dumps({"id": vault_id("certificates", "c"), "kid": vault_id("keys", "c"),
                                         "sid": vault_id("secrets", "c"), "x5t": "abc", "cer": cer,
                                         "attributes": attributes_}))),
        ("versions-secret", fields("v", versions("secrets", "id"))),
        ("versions-key", fields("w", versions("keys", "kid"))),
        ("versions-cert", fields("x", versions("certificates", "id"))),
        ("error-404", fields("e404", json.dumps({"error": {"code": "SecretNotFound", "message":
            "A secret with (name/id) s was not found in this key vault. If you recently deleted this secret "
            "you may be able to recover it using the correct recovery command."}}))),
        ("error-403", fields("e403", json.dumps({"error": {"code": "Forbidden", "message": "Caller is not authorized",
                                                           "innererror": {"code": "AccessDenied"}}}))),
        ("error-429", fields("e429\nretry-after: 10\n", json.dumps({"error": {"code": "Throttled", "message": "slow down"}}))),
        ("error-401", fields("e401\nwww-authenticate: Bearer authorization=\"https://login.microsoftonline.com/t\", "
                             "resource=\"https://vault.azure.net\"\n",
                             json.dumps({"error": {"code": "Unauthorized", "message": "AKV10000: Request is missing a Bearer or PoP token."}}))),
        ("no-answer", fields("e0", "")),
    ])
    jwks = [("rsa", rsa), ("rsa-hsm", {**rsa, "kty": "RSA-HSM"}), ("p256", pki.ec_jwk("P-256")),
            ("p384", pki.ec_jwk("P-384")), ("p521-hsm", {**pki.ec_jwk("P-521"), "kty": "EC-HSM"}),
            ("p256k", {"kty": "EC", "crv": "P-256K", "x": "AAAA", "y": "AAAA"}),
            ("oct", {"kty": "oct", "k": "c2VjcmV0"})]
    w.target("fuzz_azure_jwk_pem", [(name, key(jwk)) for name, jwk in jwks])


def pfx_and_pem(w, pki):
    legacy = pki.pfx("-legacy")
    modern = pki.pfx()
    seeds = [
        ("legacy-chain", b"\0" + legacy),
        ("aes-chain", b"\0" + modern),
        ("aes-no-chain-order", b"\2" + modern),
        ("nomac", b"\0" + pki.pfx("-nomac")),
        ("certs-only", b"\0" + pki.pfx("-nokeys", key=None)),
        ("rsa-single", b"\0" + pki.pfx(key="rsa", certs="rsa.crt", chain=False)),
        ("password", b"\0" + run("openssl", "pkcs12", "-export", "-passout", "pass:hunter2",
                                 "-in", pki.p("leaf.crt"), "-inkey", pki.p("leaf.key"))),
        ("base64-text", b"\1" + base64.b64encode(modern)),
    ]
    w.target("fuzz_azure_pfx_pem", seeds)
    leaf, inter, root = pki.text("leaf.crt"), pki.text("int.crt"), pki.text("root.crt")
    w.target("fuzz_azure_pem_chain", [
        ("ordered", leaf + inter + root),
        ("shuffled", root + leaf + inter),
        ("with-key", pki.pkcs8("leaf") + inter + leaf + root),
        ("incomplete", leaf + root),
        ("self-signed", pki.text("rsa.crt")),
        ("junk-around", "subject=CN = x\n" + leaf + "garbage\n-----BEGIN X-----\nnot base64\n-----END X-----\n" + inter),
        ("headers", "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n-----END RSA PRIVATE KEY-----\n" + leaf),
        ("duplicate", leaf + leaf + inter + root),
    ])
    w.target("fuzz_kube_tls_parts", [
        ("key-pkcs8-ec", b"\1" + (pki.pkcs8("leaf") + leaf + inter).encode()),
        ("key-sec1", b"\1" + (leaf + pki.sec1("leaf")).encode()),
        ("key-pkcs1", b"\1" + (pki.pkcs1("rsa") + pki.text("rsa.crt")).encode()),
        ("key-pkcs8-rsa", b"\1" + (pki.pkcs8("rsa") + pki.text("rsa.crt")).encode()),
        ("crt-chain", b"\0" + (pki.pkcs8("leaf") + leaf + inter + root).encode()),
        ("crt-pfx", b"\0" + legacy),
        ("key-pfx", b"\1" + modern),
        ("other-key", b"\2" + leaf.encode()),
    ])


def azure_cloud(w):
    stack = {
        "name": "AzureStackCloud",
        "managementPortalURL": "https://portal.local.azurestack.external/",
        "publishSettingsURL": "https://portal.local.azurestack.external/publishsettings/index",
        "serviceManagementEndpoint": "https://management.adfs.azurestack.local/ce4f8a2b",
        "resourceManagerEndpoint": "https://management.local.azurestack.external/",
        "activeDirectoryEndpoint": "https://adfs.local.azurestack.external/adfs/",
        "galleryEndpoint": "https://portal.local.azurestack.external:30015/",
        "keyVaultEndpoint": "https://vault.local.azurestack.external/",
        "graphEndpoint": "https://graph.local.azurestack.external/",
        "storageEndpointSuffix": "local.azurestack.external",
        "keyVaultDNSSuffix": "vault.local.azurestack.external",
        "serviceBusEndpointSuffix": "servicebus.local.azurestack.external",
        "resourceIdentifiers": {"graph": "https://graph.local.azurestack.external/"},
    }
    w.target("fuzz_azure_cloud_env", [
        ("stack", json.dumps(stack, indent=2)),
        ("minimal", json.dumps({"activeDirectoryEndpoint": "https://login.stack.test",
                                "keyVaultEndpoint": "https://vault.stack.test",
                                "keyVaultDNSSuffix": "vault.stack.test"})),
        ("userinfo", json.dumps({"name": None, "activeDirectoryEndpoint": "https://a@login.stack.test/",
                                 "keyVaultEndpoint": "HTTPS://vault.stack.test:8443/x",
                                 "keyVaultDNSSuffix": "Vault.Stack.Test"})),
    ])


def kube(w):
    spc = {
        "apiVersion": "secrets-store.csi.x-k8s.io/v1",
        "kind": "SecretProviderClass",
        "metadata": {"name": "azure-tls-sync", "namespace": "default", "uid": "5f0e9b1c-aaaa-bbbb-cccc-000000000001",
                     "resourceVersion": "123456", "generation": 1, "creationTimestamp": "2024-01-01T00:00:00Z",
                     "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"},
                     "managedFields": [{"manager": "kubectl-client-side-apply", "operation": "Update",
                                        "apiVersion": "secrets-store.csi.x-k8s.io/v1", "fieldsType": "FieldsV1",
                                        "fieldsV1": {"f:spec": {".": {}, "f:provider": {}}}}]},
        "spec": {"provider": "azure",
                 "parameters": {"keyvaultName": "my-vault", "tenantID": TENANT, "objects": OBJECTS_SIMPLE},
                 "secretObjects": [{"secretName": "web-tls", "type": "kubernetes.io/tls",
                                    "labels": {"app": "web"}, "annotations": {"team": "a"},
                                    "data": [{"objectName": "web-tls", "key": "tls.key"},
                                             {"objectName": "web-tls", "key": "tls.crt"}]}]},
    }
    v1alpha1 = {**spc, "apiVersion": "secrets-store.csi.x-k8s.io/v1alpha1",
                "spec": {"provider": "mock", "parameters": {"objects": "array: []"}}}
    bad_type = json.loads(json.dumps(spc))
    bad_type["spec"]["parameters"]["objects"] = 5
    w.target("fuzz_kube_spc_json", [
        ("v1", json.dumps(spc)), ("v1alpha1", json.dumps(v1alpha1)), ("bad-type", json.dumps(bad_type)),
        ("status", json.dumps({"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404})),
    ])
    pod = {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web-7d4b9c6f8-x2x9q", "namespace": "default", "uid": POD_UID,
                     "labels": {"app": "web"},
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7d4b9c6f8",
                                          "uid": "8a1b2c3d-0000-0000-0000-000000000002", "controller": True,
                                          "blockOwnerDeletion": True}]},
        "spec": {"nodeName": "node-1", "serviceAccountName": "web",
                 "volumes": [{"name": "secrets-store-inline", "csi": {"driver": "secrets-store.csi.k8s.io",
                                                                      "readOnly": True,
                                                                      "volumeAttributes": {"secretProviderClass": "azure-kv"}}}],
                 "containers": [{"name": "web", "image": "nginx"}]},
        "status": {"phase": "Running"},
    }
    terminating = json.loads(json.dumps(pod))
    terminating["metadata"]["deletionTimestamp"] = "2024-01-01T00:00:00Z"
    del terminating["metadata"]["ownerReferences"][0]["controller"]
    w.target("fuzz_kube_pod_json", [("running", json.dumps(pod)), ("terminating", json.dumps(terminating)),
                                     ("pending", json.dumps({"metadata": {"name": "p", "namespace": "n", "uid": "u"}}))])
    yamls = [(p.stem, p.read_text()) for p in sorted((ROOT / "config" / "spc").glob("*.yaml"))]
    yamls.append(("multi-doc", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n---\n"
                  + (ROOT / "config" / "spc" / "mock-inline.yaml").read_text()
                  + "---\n---\nkind: SecretProviderClass\napiVersion: secrets-store.csi.x-k8s.io/v1alpha1\n"
                    "metadata: {name: flow}\nspec: {provider: mock, parameters: {a: 1, b: true}}\n"))
    w.target("fuzz_kube_spc_yaml", yamls)


def kubeconfigs(w, pki):
    ca = base64.b64encode(pki.text("root.crt").encode()).decode()
    cert = base64.b64encode(pki.text("leaf.crt").encode()).decode()
    key = base64.b64encode(pki.sec1("leaf").encode()).decode()
    kind = f"""apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: {ca}
    server: https://127.0.0.1:6443
  name: kind-kind
contexts:
- context:
    cluster: kind-kind
    user: kind-kind
  name: kind-kind
current-context: kind-kind
kind: Config
preferences: {{}}
users:
- name: kind-kind
  user:
    client-certificate-data: {cert}
    client-key-data: {key}
"""
    files = """apiVersion: v1
kind: Config
current-context: ops
clusters:
- name: prod
  cluster:
    server: https://api.prod.example.com:443/prefix/
    certificate-authority: ca.crt
- name: other
  cluster: {server: "https://10.0.0.1", insecure-skip-tls-verify: false}
contexts:
- name: ops
  context: {cluster: prod, user: sa, namespace: kube-system}
users:
- name: sa
  user:
    tokenFile: token
- name: files
  user: {client-certificate: client.crt, client-key: client.key}
"""
    token = ("apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: k\n  cluster:\n"
             "    server: https://kubernetes.default.svc\n    certificate-authority: /dev/shm/none/ca.crt\n"
             "contexts:\n- name: c\n  context:\n    cluster: k\n    user: u\nusers:\n- name: u\n  user:\n"
             "    token: " + SA_TOKEN + "\n")
    refused = ("apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: k\n  cluster:\n"
               "    server: http://localhost:8080\ncontexts:\n- name: c\n  context: {cluster: k, user: u}\n"
               "users:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
               "      command: aws\n")
    w.target("fuzz_kube_kubeconfig", [("kind", kind), ("files", files), ("token", token), ("refused", refused)])


def csi(w):
    def encode(message, text):
        return run("protoc", f"--encode=csi.v1.{message}", f"--proto_path={ROOT / 'host'}",
                   "--proto_path=/usr/include", "csi/proto/csi.proto", stdin=text.encode(), cwd=ROOT)

    context = "\n".join(f'volume_context {{ key: "{k}" value: {json.dumps(v)} }}' for k, v in [
        ("secretProviderClass", "azure-kv"),
        ("csi.storage.k8s.io/pod.name", "web-7d4b9c6f8-x2x9q"),
        ("csi.storage.k8s.io/pod.namespace", "default"),
        ("csi.storage.k8s.io/pod.uid", POD_UID),
        ("csi.storage.k8s.io/serviceAccount.name", "web"),
        ("csi.storage.k8s.io/ephemeral", "true"),
        ("csi.storage.k8s.io/serviceAccount.tokens", tokens_json("api://AzureADTokenExchange")),
    ])
    capability = ("volume_capability { mount { mount_flags: \"ro\" } "
                  "access_mode { mode: SINGLE_NODE_READER_ONLY } }")
    publish = (f'volume_id: "csi-2b6f0c1e9d8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c"\n'
               f'target_path: "{TARGET}"\n{capability}\nreadonly: true\n{context}\n')
    with_secrets = publish + 'secrets { key: "clientid" value: "11111111-aaaa" }\nsecrets { key: "clientsecret" value: "s3cr3t-value-abcdefgh" }\n'
    w.target("fuzz_csi_requests", [
        ("publish", b"\0" + encode("NodePublishVolumeRequest", publish)),
        ("publish-secrets", b"\0" + encode("NodePublishVolumeRequest", with_secrets)),
        ("publish-any-target", b"\4" + encode("NodePublishVolumeRequest", publish.replace(TARGET, "/tmp/sscsi/target"))),
        ("publish-wrong-uid", b"\0" + encode("NodePublishVolumeRequest", publish.replace(POD_UID, "11111111-2222-3333-4444-555555555555", 1))),
        ("publish-block", b"\0" + encode("NodePublishVolumeRequest", publish.replace("mount { mount_flags: \"ro\" }", "block { }"))),
        ("unpublish", b"\1" + encode("NodeUnpublishVolumeRequest", f'volume_id: "v"\ntarget_path: "{TARGET}"\n')),
        ("stage", b"\2" + encode("NodeStageVolumeRequest", f'volume_id: "v"\nstaging_target_path: "/stage"\n{capability}\n')),
        ("unstage", b"\3" + encode("NodeUnstageVolumeRequest", 'volume_id: "v"\nstaging_target_path: "/stage"\n')),
    ])


def host_answers(w):
    w.target("fuzz_plugin_answer", [
        ("ok", fields("F644:db-password", "F600:keys/api-key/0", "F600:keys/api-key/1",
                      "Vsecret/db-password=4f7c3b2a", "Vsecret/api-key/0=aa", "Vsecret/api-key/1=bb", "S1")),
        ("error", fields("F644:a", "E4:vault kv throttled the request for secret a (HTTP 429); "
                         "Authorization: Bearer " + ACCESS_TOKEN + "\nnext line", "S3")),
        ("violations", fields("F644:../escape", "F1777:a", "F644:a", "F644:a", "f", "w", "vid", "Vid=1", "Vid=2")),
        ("conflict", fields("F644:dir", "F644:dir/file", "Va=1")),
        ("bad-status", fields("e0", "E1:", "C", "F644:late")),
        ("host-failure", fields("F644:a", "Va=1", "H")),
        ("no-versions", fields("F644:..data", "F644:.hidden/x", "S0")),
    ])
    w.target("fuzz_metrics_http_request", [
        ("prometheus", "GET /metrics HTTP/1.1\r\nHost: 10.0.0.5:8095\r\nUser-Agent: Prometheus/2.42.0\r\n"
                       "Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5\r\n"
                       "Accept-Encoding: gzip\r\nX-Prometheus-Scrape-Timeout-Seconds: 10\r\n\r\n"),
        ("kubelet-probe", "GET /healthz?verbose=1 HTTP/1.1\r\nHost: 127.0.0.1:9808\r\nUser-Agent: kube-probe/1.29\r\n"
                          "Accept: */*\r\nConnection: close\r\n\r\n"),
        ("head-lf", "HEAD /metrics HTTP/1.0\n\n"),
        ("http2", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
        ("bad-header", "GET / HTTP/1.1\r\nno colon here\r\n\r\n"),
    ])
    w.target("fuzz_metrics_exposition", [
        ("counter", fields("Dcnode_publish_total\tos_type,provider\t\tTotal number of node publish calls",
                           "R0\t1\tlinux\tazure", "R0\t2\tlinux\tmock")),
        ("histogram", fields("Dhrotation_reconcile_duration_sec\tprovider\t0.1,0.2,0.3,0.4,0.5,1,1.5,2,2.5,3,5,10,15,30\tDuration of rotation",
                             "R0\t0.25\tazure", "R0\t40\tazure")),
        ("escapes", fields("Dckeyvault_request_total\toperation,status\t\thelp with \\ backslash",
                           "R0\t1\tget \"secret\"\tline\nbreak", "R0\t1\tback\\slash\t\xc3\xa9t\xc3\xa9")),
        ("refused", fields("Dc__bad\t\t\tx", "Dc9bad\t\t\tx", "Dcok\tle\t\tx", "Dhh\t\t3,2\tx", "Dcok\ta,a\t\tx", "R5\t-1")),
    ])


def mock(w):
    inline = (ROOT / "config" / "spc" / "mock-inline.yaml").read_text()
    start = inline.index("objects: |")
    lines = [line for line in inline[start:].splitlines()[1:] if not line.strip().startswith("#")]
    objects = "\n".join(line[6:] for line in lines) + "\n"
    params = lambda **extra: json.dumps({"objects": objects, "csi.storage.k8s.io/pod.name": "p",
                                         "csi.storage.k8s.io/serviceAccount.tokens": tokens_json("sscsi"), **extra})
    w.target("fuzz_mock_objects", [
        ("inline", fields(objects, params())),
        ("content-file", fields("array:\n  - |\n    objectName: db\n    contentFile: /etc/sscsi/mock-content/db\n", "")),
        ("flaky", fields(OBJECTS_SIMPLE.replace("objectType: secret", "content: x"),
                         params(failWith="Throttled", failFirst="2", retryAfter="1m30s", latency="250ms",
                                shareScope="same-secrets", failMessage="injected"))),
        ("bad-duration", fields("array: []\n", params(latency="9223372036854775807ns", retryAfter="-1.5h"))),
        ("unknown-key", fields("array:\n  - |\n    objectName: a\n    objectAlais: b\n    content: c\n", "")),
    ])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", help="write only this target's corpus")
    args = parser.parse_args()
    for tool in ("openssl", "protoc"):
        if shutil.which(tool) is None:
            sys.exit(f"make_seed_corpora: {tool} is needed (scripts/setup installs it)")
    writer = Writer(args.target)
    with tempfile.TemporaryDirectory(prefix="sscsi-seeds-") as work:
        pki = Pki(work)
        azure_params(writer)
        azure_challenge(writer)
        azure_tokens(writer)
        keyvault(writer, pki)
        pfx_and_pem(writer, pki)
        azure_cloud(writer)
        kube(writer)
        kubeconfigs(writer, pki)
        csi(writer)
        host_answers(writer)
        mock(writer)
    print(f"make_seed_corpora: wrote {writer.written} seeds under {CORPUS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
