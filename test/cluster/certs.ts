// Throw-away PKI for the test control plane, made with the `openssl` CLI (present on every runner and
// in Debian) so the suite needs no crypto library: a CA, the apiserver's serving certificate, an admin
// client certificate in group system:masters, and the RSA key pair that signs service-account tokens.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ClusterPki {
  /** Paths, for the binaries' flags. */
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
  saKey: string;
  saPub: string;
  /** PEM contents, for kubeconfigs and in-process TLS clients. */
  caPem: string;
  adminCertPem: string;
  adminKeyPem: string;
}

// Certificates outlive any test run comfortably but are never reused across runs.
const DAYS = '7';
// P-256 keys for TLS: generated in milliseconds where RSA-2048 takes ~0.3 s each on a busy 2-core runner.
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];

function openssl(dir: string, args: string[]): Promise<void> {
  return new Promise((res, rej) => {
    execFile('openssl', args, { cwd: dir }, (err, _stdout, stderr) => {
      if (err)
        rej(
          new Error(`openssl ${args[0]} failed in ${dir}: ${stderr.trim() || err.message}`, { cause: err })
        );
      else res();
    });
  });
}

/**
 * A self-signed certificate for a TLS server on 127.0.0.1 (a test proxy in front of the apiserver). It is
 * its own CA (basicConstraints CA:TRUE), so a kubeconfig can trust it as `certificate-authority-data`.
 */
export async function selfSignedLoopbackCert(
  dir: string,
  name: string
): Promise<{ certPath: string; keyPath: string; certPem: Buffer }> {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  await openssl(dir, [
    'req',
    '-x509',
    ...EC_KEY,
    '-nodes',
    '-keyout',
    keyPath,
    '-out',
    certPath,
    '-days',
    '1',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,digitalSignature,keyCertSign'
  ]);
  return { certPath, keyPath, certPem: readFileSync(certPath) };
}

/** Issues a certificate signed by the CA in `dir` with the given subject and v3 extensions. */
async function issue(dir: string, name: string, subject: string, extensions: string[]): Promise<void> {
  await openssl(dir, [
    'req',
    '-new',
    ...EC_KEY,
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    subject
  ]);
  // An extension file rather than -copy_extensions: works with OpenSSL 1.1 and 3.x alike.
  writeFileSync(join(dir, `${name}.ext`), extensions.join('\n') + '\n');
  await openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-days',
    DAYS,
    '-sha256',
    '-extfile',
    `${name}.ext`,
    '-set_serial',
    `0x${randomBytes(8).toString('hex')}`,
    '-out',
    `${name}.crt`
  ]);
}

/**
 * Creates the PKI in `dir`. `serviceIp` is the first address of the service range: in-cluster clients
 * reach the apiserver as `kubernetes.default.svc` at that address, so the serving cert names it too.
 */
export async function createClusterPki(dir: string, serviceIp: string): Promise<ClusterPki> {
  // The CA first; then the leaf certificates and the SA key pair in parallel (explicit serials, so the
  // parallel signings do not race on a shared serial file).
  const saKeys = openssl(dir, ['genrsa', '-out', 'sa.key', '2048']).then(() =>
    openssl(dir, ['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'])
  );
  saKeys.catch(() => {}); // awaited below; avoid an unhandled rejection while the CA is made
  await openssl(dir, [
    'req',
    '-x509',
    ...EC_KEY,
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    DAYS,
    '-subj',
    '/CN=ask-istio-test-ca',
    // Go's verifier insists on a real CA: basicConstraints CA:TRUE and keyCertSign.
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign,digitalSignature'
  ]);
  const server = issue(dir, 'apiserver', '/CN=kube-apiserver', [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth',
    `subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:${serviceIp}`
  ]);
  // O=system:masters is the group the apiserver's RBAC bootstrap binds to cluster-admin.
  const admin = issue(dir, 'admin', '/O=system:masters/CN=ask-istio-admin', [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=clientAuth'
  ]);
  await Promise.all([server, admin, saKeys]);

  const p = (f: string): string => join(dir, f);
  return {
    caCert: p('ca.crt'),
    caKey: p('ca.key'),
    serverCert: p('apiserver.crt'),
    serverKey: p('apiserver.key'),
    adminCert: p('admin.crt'),
    adminKey: p('admin.key'),
    saKey: p('sa.key'),
    saPub: p('sa.pub'),
    caPem: readFileSync(p('ca.crt'), 'utf8'),
    adminCertPem: readFileSync(p('admin.crt'), 'utf8'),
    adminKeyPem: readFileSync(p('admin.key'), 'utf8')
  };
}
