// What a Go service serves, as its go.mod and imports tell: the chart turns on
// native gRPC health probes and Prometheus metrics for it.
import type { ServiceFeatures } from '../model';

const GRPC_MODULE = 'google.golang.org/grpc';
/** The packages that register the standard health service (grpc.health.v1.Health). */
const GRPC_HEALTH_PACKAGES = ['google.golang.org/grpc/health', 'google.golang.org/grpc/health/grpc_health_v1'];
const PROMETHEUS_MODULE = 'github.com/prometheus/client_golang';

export function serviceFeatures(requires: string[], imports: Set<string>): ServiceFeatures {
  return {
    grpcHealth: requires.includes(GRPC_MODULE) && GRPC_HEALTH_PACKAGES.some((p) => imports.has(p)),
    metrics: requires.includes(PROMETHEUS_MODULE),
  };
}
