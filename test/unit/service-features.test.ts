import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectModule } from '../../src/gomod/detect';
import { parseGoMod } from '../../src/gomod/go-mod-file';

const fixture = (name: string) => join(__dirname, '../fixtures', name);

describe('what the service serves', () => {
  test('gRPC health service imported in a package the main package builds from; Prometheus client required', () => {
    expect(detectModule(fixture('grpc')).serves).toEqual({ grpcHealth: true, metrics: true });
  });

  test('a plain HTTP service: neither', () => {
    expect(detectModule(fixture('hello')).serves).toEqual({ grpcHealth: false, metrics: false });
  });

  test('grpc required but its health package not imported: no gRPC probes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'goservice-grpc-'));
    try {
      cpSync(fixture('grpc'), dir, { recursive: true });
      writeFileSync(join(dir, 'internal/server/server.go'), 'package server\n\nimport "google.golang.org/grpc"\n\nvar _ = grpc.NewServer\n\nfunc Run() error { return nil }\n');
      expect(detectModule(dir).serves).toEqual({ grpcHealth: false, metrics: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('require directives, single and in blocks, quoted or bare', () => {
    const mod = parseGoMod('module a\ngo 1.22\nrequire "google.golang.org/grpc" v1.0.0\nrequire (\n\tgithub.com/prometheus/client_golang v1.0.0 // indirect\n)\n');
    expect(mod.requires).toEqual(['google.golang.org/grpc', 'github.com/prometheus/client_golang']);
  });
});
