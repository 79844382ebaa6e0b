// Throw-away PKI for the test control plane, made with the `openssl` CLI (present on every runner and
// in Debian) so the suite needs no crypto library: a CA, the apiserver's serving certificate, an admin
// client certificate in group system:masters, and the RSA key pair that signs service-account tokens.
import { execFileSync } from 'node:child_process';
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

function openssl(dir: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`openssl ${args[0]} failed in ${dir}: ${stderr || String(err)}`, { cause: err });
  }
}

/** Issues a certificate signed by the CA in `dir` with the given subject and v3 extensions. */
function issue(dir: string, name: string, subject: string, extensions: string[]): void {
  openssl(dir, ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  // An extension file rather than -copy_extensions: works with OpenSSL 1.1 and 3.x alike.
  writeFileSync(join(dir, `${name}.ext`), extensions.join('\n') + '\n');
  openssl(dir, [
    'x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
    '-days', DAYS, '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.crt`
  ]);
}

/**
 * Creates the PKI in `dir`. `serviceIp` is the first address of the service range: in-cluster clients
 * reach the apiserver as `kubernetes.default.svc` at that address, so the serving cert names it too.
 */
export function createClusterPki(dir: string, serviceIp: string): ClusterPki {
  openssl(dir, [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', DAYS,
    '-subj', '/CN=ask-istio-test-ca',
    // Go's verifier insists on a real CA: basicConstraints CA:TRUE and keyCertSign.
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature'
  ]);
  issue(dir, 'apiserver', '/CN=kube-apiserver', [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
    `subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:${serviceIp}`
  ]);
  // O=system:masters is the group the apiserver's RBAC bootstrap binds to cluster-admin.
  issue(dir, 'admin', '/O=system:masters/CN=ask-istio-admin', [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=clientAuth'
  ]);
  openssl(dir, ['genrsa', '-out', 'sa.key', '2048']);
  openssl(dir, ['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub']);

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
