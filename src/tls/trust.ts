// Which CAs the product's own TLS clients (the registry client, the Kubernetes
// client) trust when they are given none: Node's bundled roots plus the
// certificates in NODE_EXTRA_CA_CERTS, as Node would. The variable is read here,
// not by Node at start-up: bin/goservice hands it past Node's start (parsing the
// certificates took ~85 ms of every command, most of which open no TLS connection).
// An unusable file is ignored with a warning, as Node ignores it.
import { MiB, readBounded } from '../files/read';

const FIELD = 'NODE_EXTRA_CA_CERTS';

/** The PEM certificates in a text (a CA bundle may hold other text between them). */
export function pemCertificates(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

let memo: { file: string | undefined; ca: string[] | undefined } | undefined;

/** The `ca` option for a client given no CA: undefined (Node's default) when NODE_EXTRA_CA_CERTS is unset or unusable. */
export function defaultTrust(env: NodeJS.ProcessEnv = process.env, warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): string[] | undefined {
  const file = env.NODE_EXTRA_CA_CERTS || undefined;
  if (memo && memo.file === file) return memo.ca;
  memo = { file, ca: file ? extraTrust(file, warn) : undefined };
  return memo.ca;
}

function extraTrust(file: string, warn: (line: string) => void): string[] | undefined {
  let certs: string[];
  try {
    certs = pemCertificates(readBounded(file, { maxBytes: 16 * MiB, field: FIELD }));
  } catch (e) {
    warn(`Warning: ignoring the extra CA certificates of ${FIELD} (${(e as Error).message})`);
    return undefined;
  }
  if (!certs.length) {
    warn(`Warning: ignoring ${FIELD}: ${file} holds no PEM certificate ("-----BEGIN CERTIFICATE-----")`);
    return undefined;
  }
  const { rootCertificates } = require('node:tls') as typeof import('node:tls'); // when a client is about to connect anyway
  return [...rootCertificates, ...certs];
}
