// What the generator knows about a Go service: detected from the module, then
// completed by flags. Rendering is a pure function of these.

export type Runtime = 'distroless' | 'scratch' | 'alpine';
export const RUNTIMES: readonly Runtime[] = ['distroless', 'scratch', 'alpine'];

/** Facts read from the Go module on disk (src/gomod). */
export interface GoModule {
  modulePath: string; // module directive, e.g. example.com/orders
  goVersion: string; // go directive, e.g. "1.22" or "1.22.3"
  toolchain?: string; // toolchain directive without the "go" prefix, e.g. "1.22.5"
  mainPackage: string; // "." or "./cmd/orders"
  vendored: boolean; // vendor/ present: build with -mod=vendor, no download layer
  hasGoSum: boolean;
  // Directories (./lib) of local replace targets inside the module that have a go.mod:
  // `go mod download` reads <dir>/go.mod, so it must be copied in before that step.
  localReplaceDirs?: string[];
  serves?: ServiceFeatures; // what the chart can set up for the service, read from go.mod and the imports
  warnings: string[]; // things that will not break the build but that the user should know (cgo, go.work, ...)
}

/** Everything the Dockerfile template needs. */
export interface DockerfileOptions {
  builderImage: string; // e.g. golang:1.22.5 (ARG default, overridable)
  builderReason?: string; // why that image, one line for the Dockerfile comment
  runtime: Runtime;
  mainPackage: string;
  binaryName: string; // the service name
  port: number; // container port: EXPOSE
  uid: number; // numeric non-root user: USER, matches the chart's securityContext
  vendored: boolean;
  hasGoSum: boolean;
  localReplaceDirs?: string[]; // ./lib: local replace targets whose go.mod `go mod download` reads
  versionVariable?: string; // e.g. main.version: adds -X <var>=${VERSION}
  chartDir: string; // relative chart directory, kept out of the build context
}

/** What the module's dependencies and imports say the service serves. */
export interface ServiceFeatures {
  grpcHealth: boolean; // requires google.golang.org/grpc and imports its health package
  metrics: boolean; // requires github.com/prometheus/client_golang
}
